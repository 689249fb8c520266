// Gatehouse's own API scopes. Organizations add their own (CustomScope) for their services,
// which check tokens through /oauth/introspect.
export const BUILT_IN_SCOPES = [
  { name: "endpoints:read", description: "List and read outgoing webhook endpoints" },
  { name: "endpoints:write", description: "Create, change, pause and delete outgoing endpoints" },
  { name: "events:read", description: "List events and their deliveries" },
  { name: "events:write", description: "Send events to subscribed endpoints" },
  { name: "deliveries:read", description: "Read deliveries and their attempts" },
  { name: "deliveries:write", description: "Replay deliveries" },
  { name: "inbound:read", description: "List incoming webhooks and received messages" },
  { name: "inbound:write", description: "Create, change and delete incoming webhooks" },
  { name: "members:read", description: "List the organization's members" },
  { name: "audit:read", description: "Read and export the audit log" },
] as const;

export const SCOPE_NAME_RE = /^[a-z][a-z0-9_.-]{0,39}(:[a-z][a-z0-9_.-]{0,39})?$/;

export function isBuiltInScope(name: string): boolean {
  return BUILT_IN_SCOPES.some((s) => s.name === name);
}
