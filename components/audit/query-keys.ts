// The Audit log's TanStack Query keys, outside the client module so that the page (a server
// component) can hand over the first page and the chain check under the same keys.
export const auditKeys = {
  // The org is part of every key: the API resolves it from the org cookie, so a switch must not
  // show another organization's cached entries. `params`: the filters as search params.
  events: (orgId: string, params: string) => ["audit-events", orgId, params] as const,
  verification: (orgId: string) => ["audit-verification", orgId] as const,
};

/** Entries per page of the list (the page's first page, loaded on the server, uses it too). */
export const AUDIT_PAGE_SIZE = 50;
