// The typed TypeScript client of Gatehouse's API: openapi-fetch over the types openapi-typescript
// generates from /api/v1/openapi.json (openapi.d.ts; regenerate with `npm run client:generate`).
//
//   const gh = createGatehouseClient({ baseUrl: "https://gatehouse.example.com", token });
//   const { data, error } = await gh.GET("/api/v1/events", { params: { query: { limit: 2 } } });
//
// `data` is the typed success body, `error` the typed problem+json (RFC 9457) otherwise.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./openapi";

export type { components, operations, paths, webhooks } from "./openapi";
export type GatehouseClient = Client<paths>;

export function createGatehouseClient(opts: { baseUrl: string; token: string; fetch?: typeof fetch }): GatehouseClient {
  return createClient<paths>({ baseUrl: opts.baseUrl, headers: { authorization: `Bearer ${opts.token}` }, fetch: opts.fetch });
}
