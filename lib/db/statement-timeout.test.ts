// A stuck query cannot hold a request forever (issue 17, GATEHOUSE_DB_STATEMENT_TIMEOUT_MS): on
// PostgreSQL the pool's connections carry a statement_timeout, so a statement waiting behind a
// lock another connection holds is cancelled by the server and its request answered 503 (problem+
// json on the API, RFC 6749 JSON on /oauth), checked against the OpenAPI document by the route
// server; the pool serves the next request. Migrations lift the bound for their own session.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { pgPoolConfig } from "@/lib/db/driver";

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;
const STATEMENT_TIMEOUT_MS = 700;
/** The server cancels at the timeout; allow for a loaded machine on top. */
const ANSWERED_WITHIN_MS = STATEMENT_TIMEOUT_MS + 3_000;

describe("the pool's settings", () => {
  it("bound every statement by default (15 s), the client's wait a little longer, and 0 turns both off", () => {
    const e = parseEnv({});
    expect(e.GATEHOUSE_DB_STATEMENT_TIMEOUT_MS).toBe(15_000);
    expect(pgPoolConfig("postgres://x/y", e)).toMatchObject({ statement_timeout: 15_000, query_timeout: 17_000, connectionTimeoutMillis: 3_000 });
    const off = pgPoolConfig("postgres://x/y", parseEnv({ GATEHOUSE_DB_STATEMENT_TIMEOUT_MS: "0" }));
    expect(off).not.toHaveProperty("statement_timeout");
    expect(off).not.toHaveProperty("query_timeout");
    expect(() => parseEnv({ GATEHOUSE_DB_STATEMENT_TIMEOUT_MS: "-1" })).toThrow();
  });
});

describe.skipIf(!onPostgres)("a statement stuck behind a lock (PostgreSQL)", () => {
  let server: { origin: string; close(): Promise<void> };
  let bearer: string;
  let endpointId: string;
  let orgId: string;
  const lockers: pg.Client[] = [];

  /** Another connection (as another process would be) holding `lock` in an open transaction. */
  async function holding(lock: string, params: unknown[] = []): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    lockers.push(c);
    await c.connect();
    await c.query("BEGIN");
    await c.query(lock, params);
    return c;
  }
  const release = async (c: pg.Client) => {
    await c.query("ROLLBACK");
    await c.end();
    lockers.splice(lockers.indexOf(c), 1);
  };

  beforeAll(async () => {
    // Before anything parses the environment (env() is read once, on first use).
    process.env.GATEHOUSE_DB_STATEMENT_TIMEOUT_MS = String(STATEMENT_TIMEOUT_MS);
    const { env } = await import("@/lib/env");
    expect(env().GATEHOUSE_DB_STATEMENT_TIMEOUT_MS).toBe(STATEMENT_TIMEOUT_MS);
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const { bearerFor, systemCtx } = await import("@/tests/helpers/tokens");
    const { db } = await import("@/lib/db/client");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    server = await serveRoutes({
      "/oauth/token": await import("@/app/oauth/token/route"),
      "/api/v1/endpoints/[id]": await import("@/app/api/v1/endpoints/[id]/route"),
    });
    orgId = (await db.organization.create({ data: { name: "Stuck queries" } })).id;
    bearer = await bearerFor(server.origin, orgId, ["endpoints:read", "endpoints:write"]);
    const created = await createEndpoint({
      orgId, environment: "test", name: "locked", url: "https://example.com/hooks", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx: systemCtx,
    });
    endpointId = created.endpoint.id;
  });
  afterAll(async () => {
    for (const c of lockers.splice(0)) await c.end().catch(() => {});
    await server?.close();
    delete process.env.GATEHOUSE_DB_STATEMENT_TIMEOUT_MS;
  });

  const rename = (name: string) =>
    fetch(`${server.origin}/api/v1/endpoints/${endpointId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(30_000),
    });

  it("an API write waiting on a row lock is answered 503 problem+json within the timeout; the next one succeeds", async () => {
    const locker = await holding(`SELECT 1 FROM "Endpoint" WHERE "id" = $1 FOR UPDATE`, [endpointId]);
    const t = performance.now();
    const r = await rename("while locked");
    const ms = performance.now() - t;
    const body = (await r.json()) as { status?: number; code?: string };
    expect({ status: r.status, type: r.headers.get("content-type"), code: body.code, retryAfter: r.headers.get("retry-after") }).toEqual({
      status: 503, type: "application/problem+json", code: "unavailable", retryAfter: "5",
    });
    expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50); // it did wait: the lock was real
    await release(locker);
    const after = await rename("after the lock");
    expect(after.status).toBe(200);
    expect(((await after.json()) as { name: string }).name).toBe("after the lock");
  });

  it("a token exchange waiting on a table lock is answered 503 temporarily_unavailable within the timeout", async () => {
    const { clientFor } = await import("@/tests/helpers/tokens");
    const c = await clientFor(orgId, ["endpoints:read"]);
    const exchange = () =>
      fetch(`${server.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId, client_secret: c.secret }),
        signal: AbortSignal.timeout(30_000),
      });
    // The credential's row is what a first exchange must read (tokens are sealed and their rows
    // written behind the answer, so a lock on "AccessToken" no longer holds an exchange up).
    const locker = await holding(`LOCK TABLE "Credential" IN ACCESS EXCLUSIVE MODE`);
    const t = performance.now();
    const r = await exchange();
    const ms = performance.now() - t;
    expect({ status: r.status, error: ((await r.json()) as { error?: string }).error, retryAfter: r.headers.get("retry-after") }).toEqual({
      status: 503, error: "temporarily_unavailable", retryAfter: "5",
    });
    expect(ms).toBeLessThan(ANSWERED_WITHIN_MS);
    await release(locker);
    expect((await exchange()).status).toBe(200);
  });

  it("binds every pooled statement, but not a migration's session", async () => {
    const { getDriver, rawSql, withRawSql } = await import("@/lib/db/driver");
    const driver = await getDriver();
    const slow = "SELECT pg_sleep(1.2)";
    await expect(rawSql(driver).query(slow)).rejects.toMatchObject({ code: "57014" });
    await expect(withRawSql(driver, (s) => s.query(slow))).rejects.toMatchObject({ code: "57014" });
    await expect(withRawSql(driver, (s) => s.query(slow), { unbounded: true })).resolves.toHaveLength(1);
    // The unbounded session went away with its connection: the pool's are bound as before.
    await expect(rawSql(driver).query(slow)).rejects.toMatchObject({ code: "57014" });
  });
});
