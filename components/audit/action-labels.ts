// Every audit action in plain words, for the log's Action column and its filter. The raw action
// (`credential.revoked`) stays beside the label, so a filter or an export can still be matched.

export const ACTION_LABELS: Record<string, string> = {
  "organization.created": "Organization created",
  "organization.renamed": "Organization renamed",
  "organization.retention_changed": "Data retention changed",
  "member.added": "Member added",
  "member.invited": "Member invited",
  "member.joined": "Member joined",
  "member.role_changed": "Member's role changed",
  "member.removed": "Member removed",
  "member.password_reset_link_created": "Password reset link made",
  "member.password_reset": "Password reset with a link",
  "invitation.created": "Invitation link created",
  "invitation.revoked": "Invitation revoked",
  "user.sign_in_failed": "Sign-in failed",
  "credential.created": "Credential created",
  "credential.revoked": "Credential revoked",
  "credential.secret_regenerated": "Credential secret regenerated",
  "credential.grace_period_ended": "Credential grace period ended",
  "credential.quota_changed": "Credential token quota changed",
  "credential.updated": "Credential edited",
  "credential.locked_out": "Credential locked out after wrong secrets",
  "credential.lockout_cleared": "Credential lockout cleared",
  "credential.client_keys_set": "Credential public keys registered (private_key_jwt)",
  "credential.client_keys_removed": "Credential public keys removed (private_key_jwt)",
  "credential.secrets_disabled": "Credential secrets turned off (keys only)",
  "credential.secrets_enabled": "Credential secrets turned back on",
  "organization.credential_policy_changed": "Credential policy changed",
  "scope.created": "Scope created",
  "endpoint.created": "Endpoint created",
  "endpoint.updated": "Endpoint changed",
  "endpoint.deleted": "Endpoint deleted",
  "endpoint.secret_revealed": "Endpoint signing secret revealed",
  "endpoint.paused": "Endpoint paused",
  "endpoint.resumed": "Endpoint resumed",
  "endpoint.disabled": "Endpoint disabled",
  "endpoint.failing": "Endpoint failing (deliveries held)",
  "endpoint.recovered": "Endpoint recovered",
  "endpoint.secret_rotated": "Endpoint signing secret rotated",
  "endpoint.recovery_started": "Failed messages recovery started",
  "event_type.created": "Event type created",
  "event_type.archived": "Event type archived",
  "event_type.unarchived": "Event type restored",
  "event_type.updated": "Event type edited",
  "delivery.replayed": "Delivery replayed",
  "delivery.bulk_replayed": "Failed deliveries replayed",
  "inbound_webhook.created": "Incoming webhook created",
  "inbound_webhook.updated": "Incoming webhook changed",
  "inbound_webhook.deleted": "Incoming webhook deleted",
  "inbound_webhook.activated": "Incoming webhook activated",
  "inbound_webhook.deactivated": "Incoming webhook deactivated",
  "inbound_webhook.token_regenerated": "Incoming webhook token regenerated",
  "inbound_webhook.token_grace_ended": "Incoming webhook token grace period ended",
};

/** The plain-words label of an action; an action not listed reads as its words ("foo.bar_baz" → "Foo bar baz"). */
export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : action;
}
