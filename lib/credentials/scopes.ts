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

/** One-click starting points for the scope checklist (built-in scopes only; custom ones are ticked by hand). */
export const SCOPE_PRESETS: { id: string; label: string; scopes: string[] }[] = [
  { id: "read-only", label: "Read-only", scopes: BUILT_IN_SCOPES.filter((s) => s.name.endsWith(":read")).map((s) => s.name) },
  { id: "webhooks", label: "Webhooks read/write", scopes: ["endpoints:read", "endpoints:write", "events:read", "events:write", "deliveries:read", "deliveries:write"] },
  { id: "events", label: "Send events", scopes: ["events:write"] },
  { id: "inbound", label: "Incoming read/write", scopes: ["inbound:read", "inbound:write"] },
  { id: "all", label: "All Gatehouse API", scopes: BUILT_IN_SCOPES.map((s) => s.name) },
];

/** The preset `scopes` equals, if any (same set, any order). */
export function presetOf(scopes: string[]): string | null {
  const set = new Set(scopes);
  const p = SCOPE_PRESETS.find((p) => p.scopes.length === set.size && p.scopes.every((s) => set.has(s)));
  return p?.id ?? null;
}
