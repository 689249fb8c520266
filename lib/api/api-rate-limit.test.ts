// The per-credential rate limit of /api/v1 (withApi), over real HTTP on loopback, every
// response checked against the OpenAPI document by the route server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as members from "@/app/api/v1/members/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import { openApiDocument } from "@/lib/api/openapi";
import { windowEnd } from "@/lib/api/rate-limit";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/members": members, "/api/v1/event-types": eventTypes });
  orgId = (await db.organization.create({ data: { name: "Limited" } })).id;
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.GATEHOUSE_API_RATE_LIMIT;
});

const bearer = (scopes = ["members:read", "events:read"]) => bearerFor(server.origin, orgId, scopes);

/** Waits out the end of the current one-minute window if it is close. */
async function awayFromWindowEnd(seconds = 10) {
  const left = windowEnd(Date.now(), 60_000) - Date.now();
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

const get = (path: string, tok: string) => fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${tok}` } });

describe("/api/v1 rate limit per credential", () => {
  it("sends RateLimit headers, then 429 problem+json with Retry-After past the limit, per credential", async () => {
    await awayFromWindowEnd();
    process.env.GATEHOUSE_API_RATE_LIMIT = "5";
    const a = await bearer();
    const first = await get("/api/v1/members", a);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe('"api";q=5;w=60');
    expect(first.headers.get("ratelimit")).toMatch(/^"api";r=4;t=\d+$/);
    expect(first.headers.get("ratelimit-remaining")).toBe("4");
    // A refused request (an unknown query parameter: 422) counts, and carries the headers too.
    const bad = await get("/api/v1/members?nope=1", a);
    expect(bad.status).toBe(422);
    expect(bad.headers.get("ratelimit-remaining")).toBe("3");
    // The limit is the credential's, over every route.
    for (const path of ["/api/v1/event-types", "/api/v1/members", "/api/v1/event-types"]) expect((await get(path, a)).status).toBe(200);
    const refused = await get("/api/v1/members", a);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const retry = Number(refused.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit")).toBe(`"api";r=0;t=${retry}`);
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited" });
    // Another credential of the same organization has its own limit.
    const b = await bearer();
    expect((await get("/api/v1/members", b)).status).toBe(200);
  });

  it("lets exactly the limit through under concurrency", async () => {
    await awayFromWindowEnd();
    process.env.GATEHOUSE_API_RATE_LIMIT = "20";
    const a = await bearer();
    const statuses = await Promise.all(Array.from({ length: 50 }, async () => (await get("/api/v1/members", a)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it("declares 429 and the RateLimit headers on every /api/v1 operation a token can call", () => {
    const doc = openApiDocument() as unknown as {
      components: { headers: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: Record<string, unknown>[]; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    expect(Object.keys(doc.components.headers)).toEqual(expect.arrayContaining(["RateLimit", "RateLimit-Policy", "Retry-After"]));
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!op.security?.some((s) => "oauth2" in s)) continue;
        checked++;
        expect(op.responses["429"], `${method} ${path}`).toBeTruthy();
        expect(op.responses["429"]!.headers?.["Retry-After"], `${method} ${path}`).toBeTruthy();
        for (const [status, r] of Object.entries(op.responses)) {
          expect(r.headers?.["RateLimit"], `${method} ${path} ${status}`).toBeTruthy();
          expect(r.headers?.["RateLimit-Policy"], `${method} ${path} ${status}`).toBeTruthy();
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
