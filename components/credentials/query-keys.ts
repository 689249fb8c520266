// The Credentials pages' TanStack Query keys, outside the client module so that the list page (a
// server component) can hand over the first page under the same key.
/** Org and environment come from cookies on the API side, so both are part of every key. */
type Scoping = { orgId: string; environment: "test" | "live" };

export const credentialKeys = {
  all: (s: Scoping) => ["credentials", s.orgId, s.environment] as const,
  list: (s: Scoping) => [...credentialKeys.all(s), "list"] as const,
  detail: (s: Scoping, id: string) => [...credentialKeys.all(s), "detail", id] as const,
};

/** Credentials per page of the list (the page's first page, loaded on the server, uses it too). */
export const CREDENTIALS_PAGE_SIZE = 25;
