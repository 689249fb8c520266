// Both wire shapes of outgoing endpoints, and the event-type catalog, over real HTTP on loopback
// with bearer tokens from real credentials, on a real (in-memory) database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpoint from "@/app/api/v1/endpoints/[id]/route";
import * as rotate from "@/app/api/v1/endpoints/[id]/rotate-secret/route";
import * as sendTest from "@/app/api/v1/endpoints/[id]/test/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as webhook from "@/app/api/v1/webhooks/[id]/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as eventType from "@/app/api/v1/event-types/[name]/route";
import * as archive from "@/app/api/v1/event-types/[name]/archive/route";
import * as unarchive from "@/app/api/v1/event-types/[name]/unarchive/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { createGatehouseClient } from "@/clients/typescript/index";
import { decrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";
import { openHeaders } from "@/lib/webhooks/custom-headers";
import { endpointSigningSecrets } from "@/lib/webhooks/signing-secret";
import { setAllowPrivateUrlsForTests } from "@/lib/webhooks/url-policy";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

const ALL = ["endpoints:read", "endpoints:write", "events:read", "events:write"];
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let testToken: string;
let liveToken: string;

const bearer = (org: string, scopes: string[], environment: "test" | "live" = "test") => bearerFor(server.origin, org, scopes, environment);

function call(method: string, path: string, body?: unknown, tok = testToken) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function fields(res: Response) {
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return ((await res.json()).errors as { field: string }[]).map((e) => e.field);
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/endpoints": endpoints,
    "/api/v1/endpoints/[id]": endpoint,
    "/api/v1/endpoints/[id]/rotate-secret": rotate,
    "/api/v1/endpoints/[id]/test": sendTest,
    "/api/v1/webhooks": webhooks,
    "/api/v1/webhooks/[id]": webhook,
    "/api/v1/event-types": eventTypes,
    "/api/v1/event-types/[name]": eventType,
    "/api/v1/event-types/[name]/archive": archive,
    "/api/v1/event-types/[name]/unarchive": unarchive,
    "/api/v1/openapi.json": openapi,
  });
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  testToken = await bearer(orgId, ALL);
  liveToken = await bearer(orgId, ALL, "live");
});
afterAll(async () => {
  setAllowPrivateUrlsForTests(undefined);
  await server.close();
});

describe("/api/v1/endpoints (reference 004 shape)", () => {
  it("creates with defaults, shows the secret once, reads, lists, patches, pauses and deletes", async () => {
    const res = await call("POST", "/api/v1/endpoints", { name: "my-webhook", url: "https://example.com/webhook", headers_json: {} });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      name: "my-webhook",
      url: "https://example.com/webhook",
      headers_json: {},
      timeout_seconds: 10,
      status: "ACTIVE",
      paused_at: null,
      event_types: [],
      auth_token_configured: false,
      environment: "test",
    });
    expect(created.id).toMatch(/^ep_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Date.parse(created.created_at)).toBeGreaterThan(0);
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretEncrypted).not.toContain(created.secret.slice(6));
    expect(decrypt(row.secretEncrypted)).toBe(created.secret);

    const got = await (await call("GET", `/api/v1/endpoints/${created.id}`)).json();
    const { secret: _s, ...withoutSecret } = created;
    expect(got).toEqual(withoutSecret);

    const list = await (await call("GET", "/api/v1/endpoints?limit=100")).json();
    expect(list.data.map((e: { id: string }) => e.id)).toContain(created.id);

    const paused = await call("PATCH", `/api/v1/endpoints/${created.id}`, { name: "updated-name", status: "PAUSED" });
    expect(paused.status).toBe(200);
    const p = await paused.json();
    expect(p).toMatchObject({ name: "updated-name", status: "PAUSED" });
    expect(Date.parse(p.paused_at)).toBeGreaterThan(0);
    const resumed = await (await call("PATCH", `/api/v1/endpoints/${created.id}`, { status: "ACTIVE" })).json();
    expect(resumed).toMatchObject({ status: "ACTIVE", paused_at: null });
    expect((await (await call("GET", "/api/v1/endpoints?status=PAUSED")).json()).data).toEqual([]);

    const del = await call("DELETE", `/api/v1/endpoints/${created.id}`);
    expect(del.status).toBe(204);
    expect((await call("GET", `/api/v1/endpoints/${created.id}`)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/endpoints/${created.id}`)).status).toBe(404);

    const actions = (await db.auditEvent.findMany({ where: { targetId: created.id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["endpoint.created", "endpoint.updated", "endpoint.paused", "endpoint.resumed", "endpoint.deleted"]);
  });

  it("accepts a given whsec_ secret, custom headers, timeout, auth token and event types", async () => {
    const secret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
    const res = await call("POST", "/api/v1/endpoints", {
      name: "full",
      url: "https://hooks.example.com/in",
      secret,
      headers_json: { "X-Team": "payments" },
      timeout_seconds: 30,
      event_types: ["run.completed", "run.completed", "run.failed"],
      auth_token: "tok_live_123",
      description: "Production callback",
    });
    expect(res.status).toBe(201);
    const e = await res.json();
    expect(e).toMatchObject({
      secret,
      headers_json: { "X-Team": "••••••" }, // values are write-only (tests/security/custom-header-secrets.test.ts)
      timeout_seconds: 30,
      event_types: ["run.completed", "run.failed"],
      auth_token_configured: true,
      description: "Production callback",
    });
    expect(JSON.stringify(e)).not.toContain("tok_live_123");
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(decrypt(row.authTokenEncrypted!)).toBe("tok_live_123");

    // Removing the auth token, and changing headers.
    const patched = await (await call("PATCH", `/api/v1/endpoints/${e.id}`, { auth_token: null, headers_json: { "X-Team": "core" } })).json();
    expect(patched).toMatchObject({ auth_token_configured: false, headers_json: { "X-Team": "••••••" } });
    expect(openHeaders(await db.endpoint.findUniqueOrThrow({ where: { id: e.id } }))).toEqual({ "X-Team": "core" });
  });

  it("names the field of every validation error", async () => {
    const post = (b: unknown) => call("POST", "/api/v1/endpoints", b);
    expect(await fields(await post({ url: "https://example.com" }))).toEqual(["name"]);
    expect(await fields(await post({ name: "x", url: "not a url" }))).toEqual(["url"]);
    expect(await fields(await post({ name: "x", url: "https://a:b@example.com/" }))).toEqual(["url"]);
    expect(await fields(await post({ name: "x", url: "ftp://example.com/" }))).toEqual(["url"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", timeout_seconds: 0 }))).toEqual(["timeout_seconds"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", timeout_seconds: 31 }))).toEqual(["timeout_seconds"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", timeout_seconds: "10" }))).toEqual(["timeout_seconds"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", secret: "abc" }))).toEqual(["secret"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", secret: "whsec_c2hvcnQ=" }))).toEqual(["secret"]);
    expect(await fields(await post({ name: "x", url: "https://example.com", headers_json: { "Bad Name": "v" } }))).toEqual([
      "headers_json.Bad Name",
    ]);
    expect(await fields(await post({ name: "x", url: "https://example.com", headers_json: { "webhook-signature": "v" } }))).toEqual([
      "headers_json.webhook-signature",
    ]);
    expect(await fields(await post({ name: "x", url: "https://example.com", headers_json: { "X-A": "a\r\nX-B: b" } }))).toEqual([
      "headers_json.X-A",
    ]);
    expect(await fields(await post({ name: "x", url: "https://example.com", event_types: ["run.completed", "nope.never"] }))).toEqual([
      "event_types[1]",
    ]);
    expect(await fields(await post({ name: "x", url: "https://example.com", description: "d".repeat(257) }))).toEqual(["description"]);
    // Several at once: schema errors first; database checks only run on well-formed input.
    expect(await fields(await post({ name: "", url: "https://example.com", timeout_seconds: 99 }))).toEqual(["name", "timeout_seconds"]);
    expect(await fields(await call("PATCH", `/api/v1/endpoints/ep_nope`, { status: "DISABLED" }))).toEqual(["status"]);
    expect((await call("PATCH", `/api/v1/endpoints/ep_nope`, { name: "y" })).status).toBe(404);
    expect(await db.endpoint.count({ where: { name: "x" } })).toBe(0);
  });

  it("refuses private URLs unless GATEHOUSE_ALLOW_PRIVATE_URLS, and plain http in live", async () => {
    setAllowPrivateUrlsForTests(false);
    try {
      for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/", "http://169.254.169.254/", "http://10.0.0.8/"]) {
        const errs = await (await call("POST", "/api/v1/endpoints", { name: "p", url })).json();
        expect(errs.errors, url).toEqual([{ field: "url", message: expect.stringContaining("private") }]);
      }
      const first = await (await call("POST", "/api/v1/endpoints", { name: "ok", url: "https://hooks.example.com/a" })).json();
      expect(await fields(await call("PATCH", `/api/v1/endpoints/${first.id}`, { url: "http://192.168.0.1/" }))).toEqual(["url"]);
    } finally {
      setAllowPrivateUrlsForTests(undefined);
    }
    expect((await call("POST", "/api/v1/endpoints", { name: "dev", url: "http://127.0.0.1:8080/hook" })).status).toBe(201);

    const live = await call("POST", "/api/v1/webhooks", { url: "http://example.com/hook", events: ["run.completed"] }, liveToken);
    expect(await live.json()).toMatchObject({ errors: [{ field: "url", message: "must use https:// in the live environment" }] });
    expect((await call("POST", "/api/v1/webhooks", { url: "https://example.com/hook", events: ["run.completed"] }, liveToken)).status).toBe(201);
  });

  it("rotates the secret: the new one is shown once, the old one keeps signing for 24 hours", async () => {
    const e = await (await call("POST", "/api/v1/endpoints", { name: "rot", url: "https://example.com/r" })).json();
    const r = await call("POST", `/api/v1/endpoints/${e.id}/rotate-secret`);
    expect(r.status).toBe(200);
    const rotated = await r.json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(e.secret);
    const until = Date.parse(rotated.previous_secret_expires_at);
    expect(Math.abs(until - (Date.now() + 86400_000))).toBeLessThan(60_000);
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(endpointSigningSecrets(row)).toEqual([rotated.secret, e.secret]);
    expect(endpointSigningSecrets(row, new Date(until + 1000))).toEqual([rotated.secret]);
    const got = await (await call("GET", `/api/v1/endpoints/${e.id}`)).json();
    expect(got.secret).toBeUndefined();
    expect(got.previous_secret_expires_at).toBe(rotated.previous_secret_expires_at);

    // A second rotation within seconds is refused as a repeat (double click): this one is later.
    const again = await call("POST", `/api/v1/endpoints/${e.id}/rotate-secret`, { grace_period_seconds: 0 });
    expect(again.status).toBe(409);
    await db.endpoint.update({ where: { id: e.id }, data: { secretRotatedAt: new Date(Date.now() - 60_000) } });
    const immediate = await (await call("POST", `/api/v1/endpoints/${e.id}/rotate-secret`, { grace_period_seconds: 0 })).json();
    expect(immediate.previous_secret_expires_at).toBeNull();
    expect(endpointSigningSecrets(await db.endpoint.findUniqueOrThrow({ where: { id: e.id } }))).toEqual([immediate.secret]);
  });

  it("names an operator endpoint (operator_events): off by default, set on create or patch, audited", async () => {
    const plain = await (await call("POST", "/api/v1/endpoints", { name: "plain", url: "https://example.com/p" })).json();
    expect(plain.operator_events).toBe(false);
    const ops = await call("POST", "/api/v1/endpoints", { name: "ops", url: "https://example.com/o", operator_events: true, event_types: ["webhook.test"] });
    expect(ops.status).toBe(201);
    const created = await ops.json();
    expect(created.operator_events).toBe(true);
    const off = await (await call("PATCH", `/api/v1/endpoints/${created.id}`, { operator_events: false })).json();
    expect(off.operator_events).toBe(false);
    expect((await (await call("GET", `/api/v1/endpoints/${created.id}`)).json()).operator_events).toBe(false);
    expect(await fields(await call("PATCH", `/api/v1/endpoints/${created.id}`, { operator_events: "yes" }))).toEqual(["operator_events"]);
    const audit = await db.auditEvent.findFirst({ where: { targetId: created.id, action: "endpoint.updated" } });
    expect(audit?.before).toMatchObject({ operator_events: true });
    expect(audit?.after).toMatchObject({ operator_events: false });
    // Explicit subscription to Gatehouse's own events is allowed (sending them is not: operator-webhooks.test.ts).
    const sub = await call("POST", "/api/v1/endpoints", { name: "sub", url: "https://example.com/s", event_types: ["gatehouse.endpoint.failing"] });
    expect(sub.status).toBe(201);
  });
});

describe("through the typed client (clients/typescript)", () => {
  it("creates, reads, lists, patches, test-sends and deletes with typed calls", async () => {
    const gh = createGatehouseClient({ baseUrl: server.origin, token: testToken });
    const created = await gh.POST("/api/v1/endpoints", {
      body: { name: "typed", url: "https://example.com/typed", event_types: ["run.failed"] },
    });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data!.secret).toMatch(/^whsec_/);

    const got = await gh.GET("/api/v1/endpoints/{id}", { params: { path: { id } } });
    expect(got.data).toMatchObject({ id, name: "typed", event_types: ["run.failed"] });
    const page = await gh.GET("/api/v1/endpoints", { params: { query: { limit: 100 } } });
    expect(page.data!.data.map((e) => e.id)).toContain(id);

    const patched = await gh.PATCH("/api/v1/endpoints/{id}", { params: { path: { id } }, body: { name: "typed-2" } });
    expect(patched.data).toMatchObject({ name: "typed-2" });

    // A test event sent to the endpoint by name reaches it though it subscribes to other types
    // only: the admin asked for it, and "sent" must never mean "silently dropped".
    const sent = await gh.POST("/api/v1/endpoints/{id}/test", { params: { path: { id } }, body: { type: "webhook.test", data: {} } });
    expect(sent.response.status).toBe(202);
    expect(sent.data!.deliveries).toBe(1);
    expect(await db.delivery.count({ where: { endpointId: id, eventId: sent.data!.id } })).toBe(1);

    const missing = await gh.GET("/api/v1/endpoints/{id}", { params: { path: { id: "ep_00000000-0000-0000-0000-000000000000" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 404 });

    const deleted = await gh.DELETE("/api/v1/endpoints/{id}", { params: { path: { id } } });
    expect(deleted.response.status).toBe(204);
  });
});

describe("/api/v1/webhooks (reference 001 shape)", () => {
  it("creates in the reference's shape, and both views of one endpoint agree", async () => {
    const res = await call("POST", "/api/v1/webhooks", {
      url: "https://api.example.com/nexio/webhooks",
      events: ["run.completed", "run.failed"],
      description: "Production callback",
      auth_token: "token_live_123",
    });
    expect(res.status).toBe(201);
    const w = await res.json();
    expect(Object.keys(w).sort()).toEqual(
      ["active", "auth_token_configured", "created_at", "description", "environment", "events", "id", "name", "secret", "status", "updated_at", "url", "webhook_version"].sort(),
    );
    expect(w).toMatchObject({
      url: "https://api.example.com/nexio/webhooks",
      environment: "test",
      events: ["run.completed", "run.failed"],
      description: "Production callback",
      active: true,
      auth_token_configured: true,
      webhook_version: "2026-11-01",
      name: "api.example.com",
    });
    expect(w.secret).toMatch(/^whsec_/);

    const asWebhook = await (await call("GET", `/api/v1/webhooks/${w.id}`)).json();
    const asEndpoint = await (await call("GET", `/api/v1/endpoints/${w.id}`)).json();
    expect(asWebhook.secret).toBeUndefined();
    expect(asEndpoint.secret).toBeUndefined();
    const agree = (a: typeof asWebhook, b: typeof asEndpoint) => {
      expect(a.id).toBe(b.id);
      expect(a.url).toBe(b.url);
      expect(a.name).toBe(b.name);
      expect(a.events).toEqual(b.event_types);
      expect(a.description).toBe(b.description);
      expect(a.active).toBe(b.status === "ACTIVE");
      expect(a.auth_token_configured).toBe(b.auth_token_configured);
      expect(a.webhook_version).toBe(b.webhook_version);
      expect(a.environment).toBe(b.environment);
      expect(a.created_at).toBe(b.created_at);
      expect(a.updated_at).toBe(b.updated_at);
    };
    agree(asWebhook, asEndpoint);

    // A change through one shape shows in the other.
    const paused = await (await call("PATCH", `/api/v1/webhooks/${w.id}`, { active: false, events: ["run.failed"] })).json();
    expect(paused).toMatchObject({ active: false, status: "paused", events: ["run.failed"] });
    const viaEndpoints = await (await call("GET", `/api/v1/endpoints/${w.id}`)).json();
    expect(viaEndpoints).toMatchObject({ status: "PAUSED", event_types: ["run.failed"] });
    agree(paused, viaEndpoints);
    const renamed = await (await call("PATCH", `/api/v1/endpoints/${w.id}`, { name: "Callback", status: "ACTIVE", description: null })).json();
    agree(await (await call("GET", `/api/v1/webhooks/${w.id}`)).json(), renamed);

    const list = await (await call("GET", "/api/v1/webhooks")).json();
    expect(list.data.find((x: { id: string }) => x.id === w.id)).toMatchObject({ active: true, name: "Callback", description: null });

    expect((await call("DELETE", `/api/v1/webhooks/${w.id}`)).status).toBe(204);
    expect((await call("GET", `/api/v1/endpoints/${w.id}`)).status).toBe(404);
  });

  it("starts inactive with active: false", async () => {
    const w = await (await call("POST", "/api/v1/webhooks", { url: "https://example.com/i", events: ["run.completed"], active: false })).json();
    expect(w).toMatchObject({ active: false, status: "paused" });
    expect((await (await call("GET", `/api/v1/endpoints/${w.id}`)).json()).paused_at).not.toBeNull();
  });

  it("names the field of every validation error", async () => {
    const post = (b: unknown) => call("POST", "/api/v1/webhooks", b);
    expect(await fields(await post({ url: "https://example.com" }))).toEqual(["events"]);
    expect(await fields(await post({ url: "https://example.com", events: [] }))).toEqual(["events"]);
    expect(await fields(await post({ url: "https://example.com", events: ["Not A Type"] }))).toEqual(["events[0]"]);
    expect(await fields(await post({ url: "https://example.com", events: ["run.completed", "order.shipped"] }))).toEqual(["events[1]"]);
    expect(await fields(await post({ url: "https://example.com", events: ["run.completed"], description: "x".repeat(257) }))).toEqual([
      "description",
    ]);
    expect(await fields(await post({ url: "https://example.com", events: ["run.completed"], auth_token: "t".repeat(1025) }))).toEqual([
      "auth_token",
    ]);
    expect(await fields(await post({ url: "https://example.com", events: ["run.completed"], active: "yes" }))).toEqual(["active"]);
    expect(await fields(await post({ url: 42, events: ["run.completed"] }))).toEqual(["url"]);
    // Bad URL and unknown event type are reported together.
    expect(await fields(await post({ url: "https://u:p@example.com", events: ["order.shipped"] }))).toEqual(["url", "events[0]"]);
    expect(await fields(await post({ url: "https://example.com", events: ["run.completed"], webhook_version: "1999-01-01" }))).toEqual([
      "webhook_version",
    ]);
  });
});

describe("the secret and the auth token appear exactly once", () => {
  it("never in GET, list, PATCH responses or audit rows", async () => {
    const created = await (await call("POST", "/api/v1/webhooks", { url: "https://example.com/s", events: ["run.completed"], auth_token: "at_secret_value_1" })).json();
    const rotated = await (await call("POST", `/api/v1/endpoints/${created.id}/rotate-secret`)).json();
    const given = "whsec_" + Buffer.alloc(24, 9).toString("base64");
    const bodies = [
      await (await call("GET", `/api/v1/webhooks/${created.id}`)).text(),
      await (await call("GET", `/api/v1/endpoints/${created.id}`)).text(),
      await (await call("GET", "/api/v1/webhooks?limit=100")).text(),
      await (await call("GET", "/api/v1/endpoints?limit=100")).text(),
      await (await call("PATCH", `/api/v1/webhooks/${created.id}`, { description: "d", auth_token: "at_secret_value_2" })).text(),
      await (await call("PATCH", `/api/v1/endpoints/${created.id}`, { secret: given, name: "n" })).text(),
    ];
    const audit = JSON.stringify(
      await db.auditEvent.findMany({ where: { targetId: created.id }, select: { action: true, before: true, after: true }, orderBy: { seq: "asc" } }),
    );
    for (const text of [...bodies, audit]) {
      for (const s of [created.secret, rotated.secret, given, "at_secret_value_1", "at_secret_value_2"]) {
        expect(text).not.toContain(s);
        expect(text).not.toContain(s.slice(6, 30));
      }
    }
    expect(JSON.parse(audit).map((a: { action: string }) => a.action)).toEqual([
      "endpoint.created",
      "endpoint.secret_rotated",
      "endpoint.updated",
      "endpoint.updated",
      "endpoint.secret_rotated",
    ]);
    // The secret given in PATCH is the one that signs now, the rotated one alongside it, and the
    // first one too: its 24-hour window from the first rotation has not ended.
    expect(endpointSigningSecrets(await db.endpoint.findUniqueOrThrow({ where: { id: created.id } }))).toEqual([given, rotated.secret, created.secret]);
  });
});

describe("/api/v1/event-types", () => {
  it("starts a new organization with example types, creates, archives and unarchives", async () => {
    const list = await (await call("GET", "/api/v1/event-types")).json();
    // The examples, and Gatehouse's own operator events (lib/notifications).
    expect(list.data.map((t: { name: string }) => t.name)).toEqual([
      "gatehouse.credential.expiring",
      "gatehouse.delivery.failed",
      "gatehouse.endpoint.disabled",
      "gatehouse.endpoint.failing",
      "gatehouse.endpoint.recovered",
      "run.completed",
      "run.failed",
      "webhook.test",
    ]);

    const schema = { type: "object", required: ["amount"], properties: { amount: { type: "number" } } };
    const res = await call("POST", "/api/v1/event-types", { name: "invoice.paid", description: "An invoice was paid.", schema });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: "invoice.paid", schema, archived: false, archived_at: null });
    const dup = await call("POST", "/api/v1/event-types", { name: "invoice.paid", description: "again" });
    expect(dup.status).toBe(409);
    expect((await dup.json()).errors).toEqual([{ field: "name", message: "already exists" }]);

    expect(await fields(await call("POST", "/api/v1/event-types", { name: "Invoice Paid", description: "x" }))).toEqual(["name"]);
    expect(await fields(await call("POST", "/api/v1/event-types", { name: "invoice", description: "x" }))).toEqual(["name"]);
    expect(await fields(await call("POST", "/api/v1/event-types", { name: "invoice.sent", description: "" }))).toEqual(["description"]);
    expect(await fields(await call("POST", "/api/v1/event-types", { name: "invoice.sent", description: "x", schema: { type: 5 } }))).toEqual([
      "schema",
    ]);
    expect(await fields(await call("POST", "/api/v1/event-types", { name: "invoice.sent", description: "x", schema: [1] }))).toEqual(["schema"]);

    const archived = await (await call("POST", "/api/v1/event-types/invoice.paid/archive")).json();
    expect(archived).toMatchObject({ archived: true });
    expect((await (await call("GET", "/api/v1/event-types")).json()).data.map((t: { name: string }) => t.name)).not.toContain("invoice.paid");
    expect((await (await call("GET", "/api/v1/event-types?archived=true")).json()).data.map((t: { name: string }) => t.name)).toEqual([
      "invoice.paid",
    ]);
    expect(await fields(await call("POST", "/api/v1/webhooks", { url: "https://example.com", events: ["invoice.paid"] }))).toEqual(["events[0]"]);
    expect((await call("POST", "/api/v1/event-types/invoice.paid/unarchive")).status).toBe(200);
    expect((await call("GET", "/api/v1/event-types/invoice.paid")).status).toBe(200);
    expect((await call("POST", "/api/v1/event-types/nope.nope/archive")).status).toBe(404);

    const page1 = await (await call("GET", "/api/v1/event-types?limit=5")).json();
    const page2 = await (await call("GET", `/api/v1/event-types?limit=5&cursor=${page1.next_cursor}`)).json();
    expect([...page1.data, ...page2.data].map((t: { name: string }) => t.name).filter((n: string) => !n.startsWith("gatehouse."))).toEqual([
      "invoice.paid",
      "run.completed",
      "run.failed",
      "webhook.test",
    ]);
    expect(page1.data.length + page2.data.length).toBe(9);
    expect(page2.next_cursor).toBeNull();
    expect(await fields(await call("POST", "/api/v1/event-types", { name: "gatehouse.mine", description: "reserved" }))).toEqual(["name"]);

    const actions = (await db.auditEvent.findMany({ where: { orgId, targetType: "event_type" }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["event_type.created", "event_type.archived", "event_type.unarchived"]);
  });
});

describe("the OpenAPI document's webhooks", () => {
  type Webhooks = Record<string, { post: { operationId: string; requestBody: { content: { "application/json": { schema: { allOf: { properties?: { type?: unknown; data?: unknown } }[] } } } } } }>;
  const dataSchema = (w: Webhooks, name: string) => w[name]?.post.requestBody.content["application/json"].schema.allOf[1].properties;

  it("describes each event type's payload: the starting catalog for anyone, a caller's own catalog when signed in", async () => {
    const anonymous = await fetch(`${server.origin}/api/v1/openapi.json`);
    expect(anonymous.headers.get("cache-control")).toContain("public");
    const open = (await anonymous.json()).webhooks as Webhooks;
    expect(Object.keys(open)).toEqual(expect.arrayContaining(["event", "run.completed", "run.failed", "webhook.test", "gatehouse.endpoint.failing"]));
    expect(open["gatehouse.endpoint.failing"].post.operationId).toBe("receiveGatehouseEndpointFailing");
    expect(open["run.completed"].post.operationId).toBe("receiveRunCompleted");
    expect(dataSchema(open, "run.completed")).toMatchObject({ type: { const: "run.completed" }, data: { properties: { run_id: { type: "string" } } } });

    const schema = { type: "object", required: ["plan"], properties: { plan: { type: "string" } } };
    expect((await call("POST", "/api/v1/event-types", { name: "subscription.renewed", description: "Renewed.", schema })).status).toBe(201);
    const mine = await call("GET", "/api/v1/openapi.json");
    expect(mine.status).toBe(200);
    expect(mine.headers.get("cache-control")).toContain("no-store");
    const own = (await mine.json()).webhooks as Webhooks;
    expect(dataSchema(own, "subscription.renewed")).toEqual({ type: { const: "subscription.renewed" }, data: schema });
    // Another organization's catalog is not in it, nor in the anonymous one.
    const other = await bearer((await db.organization.create({ data: { name: "Other" } })).id, ["events:read"]);
    const theirs = (await (await call("GET", "/api/v1/openapi.json", undefined, other)).json()).webhooks as Webhooks;
    expect(Object.keys(theirs)).not.toContain("subscription.renewed");
    expect(Object.keys(open)).not.toContain("subscription.renewed");
    // A bad token is refused, not served the anonymous document.
    expect((await call("GET", "/api/v1/openapi.json", undefined, "nope")).status).toBe(401);
  });
});

describe("scopes", () => {
  it("answers 403 insufficient_scope without the needed scope", async () => {
    const readOnly = await bearer(orgId, ["endpoints:read", "events:read"]);
    const eventsOnly = await bearer(orgId, ["events:read", "events:write"]);
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/v1/endpoints", { name: "x", url: "https://example.com" }, readOnly],
      ["POST", "/api/v1/webhooks", { url: "https://example.com", events: ["run.completed"] }, readOnly],
      ["PATCH", "/api/v1/endpoints/ep_x", { name: "y" }, readOnly],
      ["DELETE", "/api/v1/webhooks/ep_x", undefined, readOnly],
      ["POST", "/api/v1/endpoints/ep_x/rotate-secret", undefined, readOnly],
      ["POST", "/api/v1/event-types", { name: "a.b", description: "x" }, readOnly],
      ["GET", "/api/v1/endpoints", undefined, eventsOnly],
      ["GET", "/api/v1/webhooks", undefined, eventsOnly],
    ];
    for (const [method, path, body, tok] of cases) {
      const res = await call(method, path, body, tok);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).code).toBe("insufficient_scope");
    }
    expect((await call("GET", "/api/v1/endpoints", undefined, readOnly)).status).toBe(200);
    expect((await call("GET", "/api/v1/event-types", undefined, eventsOnly)).status).toBe(200);
  });

  it("keeps environments and organizations apart", async () => {
    const e = await (await call("POST", "/api/v1/endpoints", { name: "mine", url: "https://example.com/m" })).json();
    expect((await call("GET", `/api/v1/endpoints/${e.id}`, undefined, liveToken)).status).toBe(404);
    const other = (await db.organization.create({ data: { name: "Other" } })).id;
    const otherToken = await bearer(other, ALL);
    expect((await call("GET", `/api/v1/webhooks/${e.id}`, undefined, otherToken)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/endpoints/${e.id}`, undefined, otherToken)).status).toBe(404);
  });
});
