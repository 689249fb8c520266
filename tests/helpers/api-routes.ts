// Every /api/v1, /oauth and /in route module by its path pattern, for tests that serve the whole API.
// (Auth.js, Inngest and health routes are not part of the API document.)
import type { Routes } from "@/tests/helpers/route-server";
import * as r_api_v1_rest from "@/app/api/v1/[...rest]/route";
import * as r_well_known_oauth_authorization_server from "@/app/.well-known/oauth-authorization-server/route";
import * as r_api_v1_audit_events from "@/app/api/v1/audit-events/route";
import * as r_api_v1_audit_events_checkpoint from "@/app/api/v1/audit-events/checkpoint/route";
import * as r_api_v1_audit_events_checkpoint_verify from "@/app/api/v1/audit-events/checkpoint/verify/route";
import * as r_api_v1_audit_events_export from "@/app/api/v1/audit-events/export/route";
import * as r_api_v1_audit_events_verify from "@/app/api/v1/audit-events/verify/route";
import * as r_api_v1_credentials from "@/app/api/v1/credentials/route";
import * as r_api_v1_credentials_id from "@/app/api/v1/credentials/[id]/route";
import * as r_api_v1_credentials_id_activity from "@/app/api/v1/credentials/[id]/activity/route";
import * as r_api_v1_credentials_id_client_keys from "@/app/api/v1/credentials/[id]/client-keys/route";
import * as r_api_v1_credentials_id_clear_lockout from "@/app/api/v1/credentials/[id]/clear-lockout/route";
import * as r_api_v1_credentials_id_end_grace_period from "@/app/api/v1/credentials/[id]/end-grace-period/route";
import * as r_api_v1_credentials_id_regenerate_secret from "@/app/api/v1/credentials/[id]/regenerate-secret/route";
import * as r_api_v1_credentials_id_revoke from "@/app/api/v1/credentials/[id]/revoke/route";
import * as r_api_v1_deliveries from "@/app/api/v1/deliveries/route";
import * as r_api_v1_deliveries_id from "@/app/api/v1/deliveries/[id]/route";
import * as r_api_v1_deliveries_id_replay from "@/app/api/v1/deliveries/[id]/replay/route";
import * as r_api_v1_deliveries_replay_failed from "@/app/api/v1/deliveries/replay-failed/route";
import * as r_api_v1_deliveries_stats from "@/app/api/v1/deliveries/stats/route";
import * as r_api_v1_endpoints from "@/app/api/v1/endpoints/route";
import * as r_api_v1_endpoints_id from "@/app/api/v1/endpoints/[id]/route";
import * as r_api_v1_endpoints_id_reveal_secret from "@/app/api/v1/endpoints/[id]/reveal-secret/route";
import * as r_api_v1_endpoints_id_rotate_secret from "@/app/api/v1/endpoints/[id]/rotate-secret/route";
import * as r_api_v1_endpoints_id_stats from "@/app/api/v1/endpoints/[id]/stats/route";
import * as r_api_v1_endpoints_id_test from "@/app/api/v1/endpoints/[id]/test/route";
import * as r_api_v1_endpoints_filter_preview from "@/app/api/v1/endpoints/filter-preview/route";
import * as r_api_v1_endpoints_id_recover from "@/app/api/v1/endpoints/[id]/recover/route";
import * as r_api_v1_endpoints_id_recovery_jobs from "@/app/api/v1/endpoints/[id]/recovery-jobs/route";
import * as r_api_v1_endpoints_id_recovery_jobs_jobId from "@/app/api/v1/endpoints/[id]/recovery-jobs/[jobId]/route";
import * as r_api_v1_event_types from "@/app/api/v1/event-types/route";
import * as r_api_v1_event_types_name from "@/app/api/v1/event-types/[name]/route";
import * as r_api_v1_event_types_name_archive from "@/app/api/v1/event-types/[name]/archive/route";
import * as r_api_v1_event_types_name_unarchive from "@/app/api/v1/event-types/[name]/unarchive/route";
import * as r_api_v1_events from "@/app/api/v1/events/route";
import * as r_api_v1_events_id from "@/app/api/v1/events/[id]/route";
import * as r_api_v1_inbound_webhooks from "@/app/api/v1/inbound-webhooks/route";
import * as r_api_v1_inbound_webhooks_id from "@/app/api/v1/inbound-webhooks/[id]/route";
import * as r_api_v1_inbound_webhooks_id_messages from "@/app/api/v1/inbound-webhooks/[id]/messages/route";
import * as r_api_v1_inbound_webhooks_id_messages_messageId from "@/app/api/v1/inbound-webhooks/[id]/messages/[messageId]/route";
import * as r_api_v1_inbound_webhooks_id_messages_messageId_replay from "@/app/api/v1/inbound-webhooks/[id]/messages/[messageId]/replay/route";
import * as r_api_v1_inbound_webhooks_id_regenerate_token from "@/app/api/v1/inbound-webhooks/[id]/regenerate-token/route";
import * as r_api_v1_invitations from "@/app/api/v1/invitations/route";
import * as r_api_v1_invitations_id from "@/app/api/v1/invitations/[id]/route";
import * as r_api_v1_members from "@/app/api/v1/members/route";
import * as r_api_v1_members_id from "@/app/api/v1/members/[id]/route";
import * as r_api_v1_members_id_password_reset from "@/app/api/v1/members/[id]/password-reset/route";
import * as r_api_v1_openapi_json from "@/app/api/v1/openapi.json/route";
import * as r_api_v1_organization from "@/app/api/v1/organization/route";
import * as r_api_v1_organization_credential_policy from "@/app/api/v1/organization/credential-policy/route";
import * as r_api_v1_organization_retention from "@/app/api/v1/organization/retention/route";
import * as r_api_v1_scopes from "@/app/api/v1/scopes/route";
import * as r_api_v1_notifications from "@/app/api/v1/notifications/route";
import * as r_api_v1_notifications_id_read from "@/app/api/v1/notifications/[id]/read/route";
import * as r_api_v1_notifications_read_all from "@/app/api/v1/notifications/read-all/route";
import * as r_api_v1_sessions from "@/app/api/v1/sessions/route";
import * as r_api_v1_sessions_id from "@/app/api/v1/sessions/[id]/route";
import * as r_api_v1_webhooks from "@/app/api/v1/webhooks/route";
import * as r_api_v1_webhooks_id from "@/app/api/v1/webhooks/[id]/route";
import * as r_in_id from "@/app/in/[id]/route";
import * as r_oauth_introspect from "@/app/oauth/introspect/route";
import * as r_oauth_revoke from "@/app/oauth/revoke/route";
import * as r_oauth_token from "@/app/oauth/token/route";

export const API_ROUTES: Routes = {
  "/api/v1/[...rest]": r_api_v1_rest,
  "/.well-known/oauth-authorization-server": r_well_known_oauth_authorization_server,
  "/api/v1/audit-events": r_api_v1_audit_events,
  "/api/v1/audit-events/checkpoint": r_api_v1_audit_events_checkpoint,
  "/api/v1/audit-events/checkpoint/verify": r_api_v1_audit_events_checkpoint_verify,
  "/api/v1/audit-events/export": r_api_v1_audit_events_export,
  "/api/v1/audit-events/verify": r_api_v1_audit_events_verify,
  "/api/v1/credentials": r_api_v1_credentials,
  "/api/v1/credentials/[id]": r_api_v1_credentials_id,
  "/api/v1/credentials/[id]/activity": r_api_v1_credentials_id_activity,
  "/api/v1/credentials/[id]/clear-lockout": r_api_v1_credentials_id_clear_lockout,
  "/api/v1/credentials/[id]/client-keys": r_api_v1_credentials_id_client_keys,
  "/api/v1/credentials/[id]/end-grace-period": r_api_v1_credentials_id_end_grace_period,
  "/api/v1/credentials/[id]/regenerate-secret": r_api_v1_credentials_id_regenerate_secret,
  "/api/v1/credentials/[id]/revoke": r_api_v1_credentials_id_revoke,
  "/api/v1/deliveries": r_api_v1_deliveries,
  "/api/v1/deliveries/[id]": r_api_v1_deliveries_id,
  "/api/v1/deliveries/[id]/replay": r_api_v1_deliveries_id_replay,
  "/api/v1/deliveries/replay-failed": r_api_v1_deliveries_replay_failed,
  "/api/v1/deliveries/stats": r_api_v1_deliveries_stats,
  "/api/v1/endpoints": r_api_v1_endpoints,
  "/api/v1/endpoints/[id]": r_api_v1_endpoints_id,
  "/api/v1/endpoints/[id]/reveal-secret": r_api_v1_endpoints_id_reveal_secret,
  "/api/v1/endpoints/[id]/rotate-secret": r_api_v1_endpoints_id_rotate_secret,
  "/api/v1/endpoints/[id]/stats": r_api_v1_endpoints_id_stats,
  "/api/v1/endpoints/[id]/test": r_api_v1_endpoints_id_test,
  "/api/v1/endpoints/filter-preview": r_api_v1_endpoints_filter_preview,
  "/api/v1/endpoints/[id]/recover": r_api_v1_endpoints_id_recover,
  "/api/v1/endpoints/[id]/recovery-jobs": r_api_v1_endpoints_id_recovery_jobs,
  "/api/v1/endpoints/[id]/recovery-jobs/[jobId]": r_api_v1_endpoints_id_recovery_jobs_jobId,
  "/api/v1/event-types": r_api_v1_event_types,
  "/api/v1/event-types/[name]": r_api_v1_event_types_name,
  "/api/v1/event-types/[name]/archive": r_api_v1_event_types_name_archive,
  "/api/v1/event-types/[name]/unarchive": r_api_v1_event_types_name_unarchive,
  "/api/v1/events": r_api_v1_events,
  "/api/v1/events/[id]": r_api_v1_events_id,
  "/api/v1/inbound-webhooks": r_api_v1_inbound_webhooks,
  "/api/v1/inbound-webhooks/[id]": r_api_v1_inbound_webhooks_id,
  "/api/v1/inbound-webhooks/[id]/messages": r_api_v1_inbound_webhooks_id_messages,
  "/api/v1/inbound-webhooks/[id]/messages/[messageId]": r_api_v1_inbound_webhooks_id_messages_messageId,
  "/api/v1/inbound-webhooks/[id]/messages/[messageId]/replay": r_api_v1_inbound_webhooks_id_messages_messageId_replay,
  "/api/v1/inbound-webhooks/[id]/regenerate-token": r_api_v1_inbound_webhooks_id_regenerate_token,
  "/api/v1/invitations": r_api_v1_invitations,
  "/api/v1/invitations/[id]": r_api_v1_invitations_id,
  "/api/v1/members": r_api_v1_members,
  "/api/v1/members/[id]": r_api_v1_members_id,
  "/api/v1/members/[id]/password-reset": r_api_v1_members_id_password_reset,
  "/api/v1/openapi.json": r_api_v1_openapi_json,
  "/api/v1/organization": r_api_v1_organization,
  "/api/v1/organization/credential-policy": r_api_v1_organization_credential_policy,
  "/api/v1/organization/retention": r_api_v1_organization_retention,
  "/api/v1/scopes": r_api_v1_scopes,
  "/api/v1/notifications": r_api_v1_notifications,
  "/api/v1/notifications/[id]/read": r_api_v1_notifications_id_read,
  "/api/v1/notifications/read-all": r_api_v1_notifications_read_all,
  "/api/v1/sessions": r_api_v1_sessions,
  "/api/v1/sessions/[id]": r_api_v1_sessions_id,
  "/api/v1/webhooks": r_api_v1_webhooks,
  "/api/v1/webhooks/[id]": r_api_v1_webhooks_id,
  "/in/[id]": r_in_id,
  "/oauth/introspect": r_oauth_introspect,
  "/oauth/revoke": r_oauth_revoke,
  "/oauth/token": r_oauth_token,
};
