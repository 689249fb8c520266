// Incoming webhooks over real HTTP on loopback: the management API with bearer tokens from real
// credentials, and the receiving URL with every refusal, each verification mode and the bad
// input list (empty, non-JSON, invalid UTF-8, huge bodies, hundreds of headers).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as receive from "@/app/in/[id]/route";
import * as list from "@/app/api/v1/inbound-webhooks/route";
import * as one from "@/app/api/v1/inbound-webhooks/[id]/route";
import * as regenerate from "@/app/api/v1/inbound-webhooks/[id]/regenerate-token/route";
import * as messages from "@/app/api/v1/inbound-webhooks/[id]/messages/route";
import * as message from "@/app/api/v1/inbound-webhooks/[id]/messages/[messageId]/route";
import { db } from "@/lib/db/client";
import { signHmacSha256, signStandardWebhook } from "@/lib/inbound/signatures";
import { resetRateLimit } from "@/lib/api/rate-limit";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let apiToken: string;

const bearer = (org: string, scopes: string[], environment: "test" | "live" = "test") => bearerFor(server.origin, org, scopes, environment);

function api(method: string, path: string, body?: unknown, tok = apiToken) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

type Created = { id: string; url: string; token: string; verification_secret?: string; [k: string]: unknown };
async function create(body: Record<string, unknown>): Promise<Created> {
  const res = await api("POST", "/api/v1/inbound-webhooks", body);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return res.json();
}

function post(w: { url: string; token: string }, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(w.url, { method: "POST", headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });
}

const stored = (webhookId: string) => db.inboundMessage.findMany({ where: { webhookId }, orderBy: { receivedAt: "asc" } });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return res.json() as Promise<{ code: string; detail: string; status: number }>;
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/in/[id]": receive,
    "/api/v1/inbound-webhooks": list,
    "/api/v1/inbound-webhooks/[id]": one,
    "/api/v1/inbound-webhooks/[id]/regenerate-token": regenerate,
    "/api/v1/inbound-webhooks/[id]/messages": messages,
    "/api/v1/inbound-webhooks/[id]/messages/[messageId]": message,
  });
  orgId = (await db.organization.create({ data: { name: "Inbound" } })).id;
  apiToken = await bearer(orgId, ["inbound:read", "inbound:write"]);
});
afterAll(async () => {
  await server.close();
});

describe("management API", () => {
  it("creates with the token once, lists, reads, edits, deactivates and deletes, with audit entries", async () => {
    const w = await create({ name: "Billing", handler: "store" });
    expect(w.id).toMatch(/^iwh_/);
    expect(w.url).toBe(`${server.origin}/in/${w.id}`);
    expect(w.token).toMatch(/^gin_test_[0-9A-Za-z]{36}$/);
    expect(w).toMatchObject({ handler: "store", status: "active", verification: "none", token_last4: w.token.slice(-4), last_received_at: null });

    const got = await (await api("GET", `/api/v1/inbound-webhooks/${w.id}`)).json();
    expect(got.token).toBeUndefined();
    const listed = await (await api("GET", "/api/v1/inbound-webhooks")).json();
    expect(listed.data.map((x: { id: string }) => x.id)).toContain(w.id);
    expect(JSON.stringify(listed)).not.toContain(w.token);

    expect((await post(w, '{"a":1}')).status).toBe(202);
    const after = await (await api("GET", `/api/v1/inbound-webhooks/${w.id}`)).json();
    expect(after.last_received_at).not.toBeNull();

    const edited = await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { name: "Billing v2", rate_limit_per_minute: 50 });
    expect(await edited.json()).toMatchObject({ name: "Billing v2", rate_limit_per_minute: 50 });

    expect((await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { status: "inactive" })).status).toBe(200);
    const inactive = await problem(await post(w, "{}"), 404);
    expect(inactive.detail).toMatch(/inactive/);
    expect((await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { status: "active" })).status).toBe(200);
    expect((await post(w, "{}")).status).toBe(202);

    expect((await api("DELETE", `/api/v1/inbound-webhooks/${w.id}`)).status).toBe(204);
    await problem(await post(w, "{}"), 404);
    expect(await db.inboundMessage.count({ where: { webhookId: w.id } })).toBe(0);
    const actions = (await db.auditEvent.findMany({ where: { targetId: w.id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual([
      "inbound_webhook.created",
      "inbound_webhook.updated",
      "inbound_webhook.deactivated",
      "inbound_webhook.activated",
      "inbound_webhook.deleted",
    ]);
  });

  it("regenerating the token refuses the old one from that moment", async () => {
    const w = await create({ name: "Regen", handler: "store" });
    expect((await post(w, "{}")).status).toBe(202);
    const res = await api("POST", `/api/v1/inbound-webhooks/${w.id}/regenerate-token`);
    const r = await res.json();
    expect(r.token).toMatch(/^gin_test_/);
    expect(r.token).not.toBe(w.token);
    const old = await problem(await post(w, "{}"), 401);
    expect(old.detail).toMatch(/regenerated/);
    expect((await post({ url: w.url, token: r.token }, "{}")).status).toBe(202);
    expect(await db.auditEvent.count({ where: { targetId: w.id, action: "inbound_webhook.token_regenerated" } })).toBe(1);
  });

  it("names the field of each invalid setting, checks scopes and keeps other environments apart", async () => {
    const res = await api("POST", "/api/v1/inbound-webhooks", { name: "", handler: "event", verification: "hmac_sha256" });
    const body = await problem(res, 422);
    const fields = (body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(["event_type", "name", "signature_header"]);
    const unknownType = await api("POST", "/api/v1/inbound-webhooks", { name: "x", handler: "event", event_type: "no.such" });
    expect(((await problem(unknownType, 422)) as unknown as { errors: { field: string }[] }).errors[0]!.field).toBe("event_type");
    for (const [field, value] of [["forward_max_in_flight", 0], ["forward_max_in_flight", 101], ["forward_rate_limit_per_second", 0]] as const) {
      const bad = await api("POST", "/api/v1/inbound-webhooks", { name: "x", handler: "forward", forward_url: "https://example.com/f", [field]: value });
      expect(((await problem(bad, 422)) as unknown as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
    }
    const badUrl = await api("POST", "/api/v1/inbound-webhooks", { name: "x", handler: "forward", forward_url: "ftp://x" });
    expect(((await problem(badUrl, 422)) as unknown as { errors: { field: string }[] }).errors[0]!.field).toBe("forward_url");

    const readOnly = await bearer(orgId, ["inbound:read"]);
    const denied = await api("POST", "/api/v1/inbound-webhooks", { name: "x", handler: "store" }, readOnly);
    expect((await problem(denied, 403)).code).toBe("insufficient_scope");

    const w = await create({ name: "Env", handler: "store" });
    const live = await bearer(orgId, ["inbound:read", "inbound:write"], "live");
    await problem(await api("GET", `/api/v1/inbound-webhooks/${w.id}`, undefined, live), 404);
  });
});

describe("the receiving URL", () => {
  it("stores the request byte for byte with its headers, source IP and query (token removed), and answers 202 with the id", async () => {
    const w = await create({ name: "Store", handler: "store" });
    const body = '{"hello":"wörld"}';
    const res = await fetch(`${w.url}?token=${w.token}&source=test`, { method: "POST", headers: { "content-type": "application/json", "x-extra": "1" }, body });
    expect(res.status).toBe(202);
    const r = await res.json();
    expect(r).toMatchObject({ outcome: "stored", event_id: null });
    expect(r.id).toMatch(/^imsg_/);
    expect(res.headers.get("ratelimit-limit")).toBe("600");
    const [m] = await stored(w.id);
    expect(m!.id).toBe(r.id);
    expect(Buffer.from(m!.body).toString("utf8")).toBe(body);
    expect(m!.query).toBe("source=test");
    expect(m!.sourceIp).toBe("127.0.0.1");
    expect(m!.headers).toContainEqual(["x-extra", "1"]);

    const view = await (await api("GET", `/api/v1/inbound-webhooks/${w.id}/messages`)).json();
    expect(view.data[0]).toMatchObject({ id: r.id, body, body_encoding: "utf8", outcome: "stored", content_type: "application/json" });
  });

  it("masks the token in stored headers", async () => {
    const w = await create({ name: "Mask", handler: "store" });
    expect((await post(w, "{}")).status).toBe(202);
    const [m] = await stored(w.id);
    expect(JSON.stringify(m!.headers)).not.toContain(w.token);
    expect(m!.headers).toContainEqual(["authorization", "Bearer ••••••"]);
  });

  it("refuses, as problem+json and storing nothing: missing token, wrong token, other webhook's token, unknown id, wrong method", async () => {
    const w = await create({ name: "Refusals", handler: "store" });
    const other = await create({ name: "Other", handler: "store" });
    await problem(await fetch(w.url, { method: "POST", body: "{}" }), 401);
    await problem(await post({ url: w.url, token: "gin_test_nope" }, "{}"), 401);
    await problem(await post({ url: w.url, token: w.token.slice(0, -1) + (w.token.endsWith("A") ? "B" : "A") }, "{}"), 401);
    await problem(await post({ url: w.url, token: other.token }, "{}"), 401);
    await problem(await post({ url: `${server.origin}/in/iwh_00000000000000000000000000`, token: w.token }, "{}"), 404);
    await problem(await post({ url: `${server.origin}/in/not-an-id`, token: w.token }, "{}"), 404);
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      const res = await fetch(w.url, { method, headers: { authorization: `Bearer ${w.token}` } });
      const p = await problem(res, 405);
      expect(p.code).toBe("method_not_allowed");
      expect(res.headers.get("allow")).toBe("POST");
    }
    expect(await stored(w.id)).toHaveLength(0);
  });

  it("rate limits per webhook with 429 and Retry-After", async () => {
    const w = await create({ name: "Limited", handler: "store", rate_limit_per_minute: 3 });
    const other = await create({ name: "Unlimited", handler: "store" });
    for (let i = 0; i < 3; i++) expect((await post(w, "{}")).status).toBe(202);
    const res = await post(w, "{}");
    const p = await problem(res, 429);
    expect(p.code).toBe("rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(other, "{}")).status).toBe(202);
    expect(await stored(w.id)).toHaveLength(3);
    await resetRateLimit(`inbound:${w.id}`);
    expect((await post(w, "{}")).status).toBe(202);
  });

  it("verifies Standard Webhooks signatures over the raw bytes", async () => {
    const w = await create({ name: "SW", handler: "store", verification: "standard_webhooks" });
    expect(w.verification_secret).toMatch(/^whsec_/);
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not UTF-8: signed as bytes
    const now = Math.floor(Date.now() / 1000);
    const sig = signStandardWebhook(w.verification_secret!, "msg_1", now, body);
    const good = await post(w, body, { "webhook-id": "msg_1", "webhook-timestamp": String(now), "webhook-signature": `v1,bm9wZQ== ${sig}` });
    expect(good.status).toBe(202);
    await problem(await post(w, body, { "webhook-id": "msg_1", "webhook-timestamp": String(now), "webhook-signature": "v1,bm9wZQ==" }), 401);
    await problem(await post(w, Buffer.from("{}"), { "webhook-id": "msg_1", "webhook-timestamp": String(now), "webhook-signature": sig }), 401);
    const old = now - 600;
    await problem(await post(w, body, { "webhook-id": "msg_1", "webhook-timestamp": String(old), "webhook-signature": signStandardWebhook(w.verification_secret!, "msg_1", old, body) }), 401);
    const missing = await problem(await post(w, body), 401);
    expect(missing.detail).toMatch(/Signature check failed/);
    const rows = await stored(w.id);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.body).equals(body)).toBe(true);
  });

  it("verifies sha256=<hex> HMAC in the header the admin named, with a secret the admin gave", async () => {
    const secret = "a-shared-secret-from-the-sender";
    const w = await create({ name: "GH", handler: "store", verification: "hmac_sha256", signature_header: "X-Hub-Signature-256", verification_secret: secret });
    expect(w.verification_secret).toBeUndefined(); // given, not generated: not echoed
    const body = "payload=not+json";
    expect((await post(w, body, { "x-hub-signature-256": signHmacSha256(secret, Buffer.from(body)), "content-type": "application/x-www-form-urlencoded" })).status).toBe(202);
    await problem(await post(w, body, { "x-hub-signature-256": signHmacSha256("wrong-secret-123", Buffer.from(body)) }), 401);
    await problem(await post(w, body, { "x-hub-signature-256": "sha256=zz" }), 401);
    await problem(await post(w, body), 401);
    expect(await stored(w.id)).toHaveLength(1);

    // Switching the mode off keeps accepting unsigned requests; the audit shows the change.
    await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { verification: "none" });
    expect((await post(w, body)).status).toBe(202);
  });
});

describe("bad input", () => {
  it("Store keeps empty, non-JSON, invalid UTF-8 and binary bodies faithfully", async () => {
    const w = await create({ name: "Faithful", handler: "store" });
    const bodies = [Buffer.alloc(0), Buffer.from("plain text, not JSON"), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from([0, 1, 2, 255, 0])];
    for (const b of bodies) expect((await post(w, b, { "content-type": "application/octet-stream" })).status).toBe(202);
    const rows = await stored(w.id);
    expect(rows.map((r) => Buffer.from(r.body).toString("hex"))).toEqual(bodies.map((b) => b.toString("hex")));
    const view = await (await api("GET", `/api/v1/inbound-webhooks/${w.id}/messages?limit=10`)).json();
    const invalid = view.data.find((m: { body_size: number; body_encoding: string }) => m.body_size === 4 && m.body_encoding === "base64");
    expect(Buffer.from(invalid.body, "base64").toString("hex")).toBe("c328a0a1");
  });

  it("answers 413 beyond 1 MiB (declared or streamed) and stores a body of exactly 1 MiB", async () => {
    const w = await create({ name: "Huge", handler: "store" });
    const max = 1024 * 1024;
    expect((await post(w, Buffer.alloc(max, 0x61))).status).toBe(202);
    const p = await problem(await post(w, Buffer.alloc(max + 1, 0x61)), 413);
    expect(p.code).toBe("payload_too_large");
    // No Content-Length: a chunked stream is cut off as it passes the limit.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(300 * 1024).fill(0x62));
        c.close();
      },
    });
    const chunked = await fetch(w.url, { method: "POST", headers: { authorization: `Bearer ${w.token}` }, body: stream, duplex: "half" } as RequestInit);
    await problem(chunked, 413);
    const rows = await stored(w.id);
    expect(rows.map((r) => r.bodySize)).toEqual([max]);
  });

  it("keeps hundreds of headers", async () => {
    const w = await create({ name: "Headers", handler: "store" });
    const headers: Record<string, string> = {};
    for (let i = 0; i < 300; i++) headers[`x-h-${i}`] = `v${i}`;
    expect((await post(w, "{}", headers)).status).toBe(202);
    const [m] = await stored(w.id);
    const names = (m!.headers as [string, string][]).map(([n]) => n);
    expect(names.filter((n) => n.startsWith("x-h-"))).toHaveLength(300);
  });

  it("Emit event refuses what is not a JSON object, with a clear error, storing nothing", async () => {
    const w = await create({ name: "Emit bad", handler: "event", event_type: "run.completed" });
    const cases: [string | Buffer, number, RegExp][] = [
      ["", 400, /empty/],
      ["not json", 400, /not valid JSON/],
      [Buffer.from([0x7b, 0xff, 0x7d]), 400, /UTF-8/],
      ["[1,2]", 422, /array/],
      ['{"run_id": 5}', 422, /run_id/], // the type's schema says string
    ];
    for (const [body, status, detail] of cases) {
      const p = await problem(await post(w, body), status);
      expect(p.detail).toMatch(detail);
    }
    expect(await stored(w.id)).toHaveLength(0);
    expect((await post(w, '{"run_id":"r1"}')).status).toBe(202);
  });

  it("concurrent requests are all stored (none lost)", async () => {
    const w = await create({ name: "Burst", handler: "store" });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => post(w, JSON.stringify({ i }))));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(202));
    const ids = await Promise.all(results.map(async (r) => (await r.json()).id));
    const rows = await stored(w.id);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
  });
});
