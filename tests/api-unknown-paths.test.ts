// Unknown /api/v1 paths answer 404 problem+json and methods a route lacks 405 with Allow, on the
// lean layer's routing (served over loopback with a bearer token, as tests/helpers/route-server.ts
// mirrors lib/http/gatehouse-server.ts) and through the route files Next.js runs (the catch-all
// and each file's 405 exports, called as Next calls them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as catchAll from "@/app/api/v1/[...rest]/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as tokenRoute from "@/app/oauth/token/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  const orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["events:read", "events:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
});
afterAll(async () => {
  await server?.close();
});

const call = (method: string, path: string) => fetch(`${server.origin}${path}`, { method, headers: { authorization: `Bearer ${tok}` } });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await res.json();
  expect(body).toMatchObject({ status, code: status === 404 ? "not_found" : "method_not_allowed" });
  return body;
}

describe("over HTTP with a bearer token", () => {
  it.each(["/api/v1/nope", "/api/v1/endpoint", "/api/v1/events/evt_1/nope", "/api/v1/a/b/c/d/e"])("GET %s → 404 problem+json", async (path) => {
    const res = await call("GET", path);
    const body = await problem(res, 404);
    // The occurrence is the request (its id is on the response and every log line); the detail names the path.
    expect(body.instance).toBe(`urn:gatehouse:request:${res.headers.get("x-request-id")}`);
    expect(body.detail).toContain(path);
  });
  it("POST to an unknown path → 404 problem+json too", async () => {
    await problem(await call("POST", "/api/v1/nope"), 404);
  });
  it.each([
    ["PUT", "/api/v1/events", "GET, HEAD, POST"],
    ["DELETE", "/api/v1/events", "GET, HEAD, POST"],
    ["POST", "/api/v1/events/evt_1", "GET, HEAD"],
    ["PUT", "/api/v1/endpoints/ep_1", "GET, HEAD, PATCH, DELETE"],
    ["PUT", "/api/v1/deliveries/replay-failed", "GET, HEAD, POST"],
  ])("%s %s → 405 with Allow: %s", async (method, path, allow) => {
    const res = await call(method, path);
    expect(res.headers.get("allow")).toBe(allow);
    await problem(res, 405);
  });
  it.each(["/oauth/token", "/oauth/introspect", "/oauth/revoke"])("GET %s → 405, Allow: POST, an RFC 6749 error body", async (path) => {
    const res = await fetch(`${server.origin}${path}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: "invalid_request", error_description: expect.stringContaining("POST") });
  });
});

describe("the route files Next.js runs", () => {
  it("the catch-all answers every method with a 404 problem", async () => {
    for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      const res = await catchAll[m](new Request("http://localhost/api/v1/no/such/thing", { method: m }));
      await problem(res, 404);
    }
  });
  it("a route's missing methods are exported as 405s with Allow", async () => {
    const res = eventsRoute.PUT(new Request("http://localhost/api/v1/events", { method: "PUT" }));
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
    expect((await problem(res, 405)).instance).toBe("/api/v1/events");
    const oauth = tokenRoute.GET(new Request("http://localhost/oauth/token"));
    expect(oauth.status).toBe(405);
    expect(oauth.headers.get("allow")).toBe("POST");
    expect((await oauth.json()).error).toBe("invalid_request");
  });
  it("every /api/v1, /oauth and /.well-known route file answers all five methods", () => {
    for (const [pattern, mod] of Object.entries(API_ROUTES)) {
      if (pattern.startsWith("/in/")) continue;
      for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        expect(typeof (mod as Record<string, unknown>)[m], `${m} ${pattern}`).toBe("function");
      }
    }
  });
});

describe("OPTIONS", () => {
  it("lists only the methods a route has", async () => {
    const res = await call("OPTIONS", "/api/v1/events");
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    expect((await fetch(`${server.origin}/oauth/token`, { method: "OPTIONS" })).headers.get("allow")).toBe("POST, OPTIONS");
  });
});

describe("a 405 does not read the body", () => {
  it("PUT with a body on a GET-only route is 405, not 413", async () => {
    for (const path of ["/api/v1/openapi.json", "/.well-known/oauth-authorization-server", "/api/v1/events/evt_1"]) {
      const res = await fetch(`${server.origin}${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"a":1}' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get("allow"), path).toBe("GET, HEAD");
    }
  });
});
