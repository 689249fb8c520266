// The Webhooks pages' TanStack Query keys, outside the client module so that a page (a server
// component) can hand over its first data under the same key.
/** Org and environment come from cookies on the API side, so both are part of every key. */
export type Scoping = { orgId: string; environment: "test" | "live" };
export type ArchivedFilter = "false" | "all";

// The console shows every endpoint of an environment on one page; 100 is the API's maximum.
export const ENDPOINTS_PAGE_SIZE = 100;

export const webhookKeys = {
  all: (s: Scoping) => ["webhooks", s.orgId, s.environment] as const,
  endpoints: (s: Scoping) => [...webhookKeys.all(s), "endpoints"] as const,
  endpointList: (s: Scoping) => [...webhookKeys.endpoints(s), "list"] as const,
  endpoint: (s: Scoping, id: string) => [...webhookKeys.endpoints(s), "detail", id] as const,
  // Each environment has its own catalog, keyed like the rest.
  eventTypes: (s: Scoping) => [...webhookKeys.all(s), "event-types"] as const,
  eventTypeList: (s: Scoping, archived: ArchivedFilter) => [...webhookKeys.eventTypes(s), archived] as const,
};
