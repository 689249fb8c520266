// Unknown request fields and query parameters are refused by name (422 problem+json), never
// dropped: over real HTTP on loopback, with a bearer token from a real credential.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const SCOPES = [
  "endpoints:read", "endpoints:write", "events:read", "events:write", "deliveries:read", "deliveries:write",
  "inbound:read", "inbound:write", "audit:read", "members:read",
];
let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;
let endpointId: string;
let inboundId: string;

function call(method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  const orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: SCOPES, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
  expect((await call("POST", "/api/v1/event-types", { name: "invoice.paid", description: "Paid" })).status).toBe(201);
  const ep = await call("POST", "/api/v1/endpoints", { name: "known", url: "https://example.com/hook", event_types: ["invoice.paid"] });
  expect(ep.status).toBe(201);
  endpointId = (await ep.json()).id;
  const ib = await call("POST", "/api/v1/inbound-webhooks", { name: "in", handler: "store" });
  expect(ib.status).toBe(201);
  inboundId = (await ib.json()).id;
});
afterAll(async () => {
  await server?.close();
});

async function refusedFields(res: Response): Promise<string[]> {
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const p = await res.json();
  expect(p.code).toBe("validation_failed");
  const unknown = (p.errors as { field: string; message: string }[]).filter((e) => e.message === "Received unknown parameter");
  expect(p.detail).toContain(`${unknown[0]!.field}: Received unknown parameter`);
  return unknown.map((e) => e.field).sort();
}

describe("unknown body fields", () => {
  it("POST /api/v1/endpoints with `events` (the webhooks name) is refused, and no endpoint subscribed to everything is made", async () => {
    const before = await db.endpoint.count();
    const res = await call("POST", "/api/v1/endpoints", { name: "typo", url: "https://example.com/typo", events: ["invoice.paid"] });
    expect(await refusedFields(res)).toEqual(["events"]);
    expect(await db.endpoint.count()).toBe(before);
  });

  const server_set = { id: "ep_x", org_id: "org_x", environment: "live", created_at: "2026-01-01T00:00:00Z" };
  const cases: [string, string, () => string, Record<string, unknown>, string[]][] = [
    ["POST", "server-set fields on create endpoint", () => "/api/v1/endpoints", { name: "n", url: "https://example.com/a", ...server_set }, ["created_at", "environment", "id", "org_id"]],
    ["PATCH", "update endpoint", () => `/api/v1/endpoints/${endpointId}`, { name: "n2", events: ["invoice.paid"], org_id: "x" }, ["events", "org_id"]],
    ["POST", "rotate secret", () => `/api/v1/endpoints/${endpointId}/rotate-secret`, { grace_period: 10 }, ["grace_period"]],
    ["POST", "test event", () => `/api/v1/endpoints/${endpointId}/test`, { type: "invoice.paid", data: {}, id: "x" }, ["id"]],
    ["POST", "create webhook with the endpoints name", () => "/api/v1/webhooks", { url: "https://example.com/w", events: ["invoice.paid"], event_types: [] }, ["event_types"]],
    ["PATCH", "update webhook", () => `/api/v1/webhooks/${endpointId}`, { secret: "whsec_x", status: "PAUSED" }, ["secret", "status"]],
    ["POST", "event type", () => "/api/v1/event-types", { name: "a.b", description: "d", archived: true }, ["archived"]],
    ["POST", "event", () => "/api/v1/events", { type: "invoice.paid", data: {}, environment: "live", created_at: "x" }, ["created_at", "environment"]],
    ["POST", "replay failed", () => "/api/v1/deliveries/replay-failed", { since: "2026-01-01T00:00:00Z", status: "failed" }, ["status"]],
    ["POST", "replay one delivery (no body fields at all)", () => "/api/v1/deliveries/msg_none/replay", { force: true }, ["force"]],
    ["POST", "inbound webhook", () => "/api/v1/inbound-webhooks", { name: "n", handler: "store", token: "gin_x" }, ["token"]],
    ["PATCH", "update inbound webhook", () => `/api/v1/inbound-webhooks/${inboundId}`, { url: "https://x" }, ["url"]],
    ["POST", "regenerate token", () => `/api/v1/inbound-webhooks/${inboundId}/regenerate-token`, { token: "x" }, ["token"]],
    ["POST", "archive", () => "/api/v1/event-types/invoice.paid/archive", { reason: "x" }, ["reason"]],
    ["DELETE", "delete endpoint", () => `/api/v1/endpoints/${endpointId}`, { cascade: true }, ["cascade"]],
    ["DELETE", "delete inbound", () => `/api/v1/inbound-webhooks/${inboundId}`, { force: 1 }, ["force"]],
  ];
  it.each(cases)("%s %s", async (method, _what, path, body, fields) => {
    expect(await refusedFields(await call(method, path(), body))).toEqual(fields);
  });

  it("nothing was changed by the refused requests", async () => {
    const ep = await call("GET", `/api/v1/endpoints/${endpointId}`);
    expect(ep.status).toBe(200);
    expect(await ep.json()).toMatchObject({ name: "known", event_types: ["invoice.paid"], status: "ACTIVE" });
    expect((await call("GET", `/api/v1/inbound-webhooks/${inboundId}`)).status).toBe(200);
    expect((await call("GET", "/api/v1/event-types/invoice.paid")).status).toBe(200);
  });

  it("known fields still pass (controls)", async () => {
    expect((await call("PATCH", `/api/v1/endpoints/${endpointId}`, { name: "known" })).status).toBe(200);
    expect((await call("POST", `/api/v1/endpoints/${endpointId}/rotate-secret`, { grace_period_seconds: 0 })).status).toBe(200);
    expect((await call("POST", `/api/v1/inbound-webhooks/${inboundId}/regenerate-token`)).status).toBe(200);
    // A second regeneration within seconds is refused as a repeat (double click): this one is later.
    await db.inboundWebhook.update({ where: { id: inboundId }, data: { tokenRegeneratedAt: new Date(Date.now() - 60_000) } });
    expect((await call("POST", `/api/v1/inbound-webhooks/${inboundId}/regenerate-token`, {})).status).toBe(200);
  });
});

describe("unknown query parameters", () => {
  const cases: [string, () => string, string[]][] = [
    ["GET", () => "/api/v1/endpoints?events=invoice.paid", ["events"]],
    ["GET", () => "/api/v1/endpoints?limit=2&status=ACTIVE&org_id=x", ["org_id"]],
    ["GET", () => "/api/v1/webhooks?active=true", ["active"]],
    ["GET", () => "/api/v1/events?event_type=invoice.paid", ["event_type"]],
    ["GET", () => "/api/v1/event-types?archived=all&include=schema", ["include"]],
    ["GET", () => "/api/v1/deliveries?endpoint=ep_x", ["endpoint"]],
    ["GET", () => "/api/v1/audit-events?actor_id=x&limit=5", ["actor_id"]],
    ["GET", () => "/api/v1/audit-events/export?format=json&page=2", ["page"]],
    ["GET", () => "/api/v1/inbound-webhooks?active=1", ["active"]],
    ["GET", () => `/api/v1/inbound-webhooks/${inboundId}/messages?status=failed`, ["status"]],
    ["GET", () => "/api/v1/members?offset=10", ["offset"]],
    ["GET", () => `/api/v1/endpoints/${endpointId}?expand=secret`, ["expand"]],
    ["GET", () => `/api/v1/endpoints/${endpointId}/stats?window=7d&tz=UTC`, ["tz"]],
    ["GET", () => "/api/v1/event-types/invoice.paid?version=2", ["version"]],
    ["POST", () => "/api/v1/event-types?dry_run=1", ["dry_run"]],
  ];
  it.each(cases)("%s %s", async (method, path, fields) => {
    const body = method === "POST" ? { name: "dry.run", description: "d" } : undefined;
    expect(await refusedFields(await call(method, path(), body))).toEqual(fields);
  });

  it("a refused POST query created nothing", async () => {
    expect((await call("GET", "/api/v1/event-types/dry.run")).status).toBe(404);
  });

  it("limit, cursor and the documented filters are known", async () => {
    for (const path of [
      "/api/v1/endpoints?limit=1&status=ACTIVE",
      "/api/v1/webhooks?limit=1",
      "/api/v1/events?limit=1&type=invoice.paid",
      "/api/v1/event-types?limit=1&archived=all",
      "/api/v1/deliveries?limit=1&status=failed",
      "/api/v1/inbound-webhooks?limit=1&status=active",
      `/api/v1/inbound-webhooks/${inboundId}/messages?limit=1&outcome=failed`,
      "/api/v1/members?limit=1",
      "/api/v1/audit-events?limit=1&action=endpoint.",
      `/api/v1/endpoints/${endpointId}/stats?window=7d`,
    ]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(200);
    }
  });

  it("a parameter sent twice is refused, not resolved to one of its values", async () => {
    const res = await call("GET", "/api/v1/endpoints?status=ACTIVE&status=PAUSED");
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("status");
  });

  it("a bad cursor is a 422 naming cursor", async () => {
    const res = await call("GET", "/api/v1/endpoints?cursor=nope");
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("cursor");
  });
});
