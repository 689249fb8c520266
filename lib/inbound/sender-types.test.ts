// Incoming webhooks by sender type, over real HTTP on loopback. Each request is signed here the
// way the sender's own documentation says, with node:crypto and nothing from lib/ (so a mistake
// in lib/inbound/signatures.ts cannot cancel itself out):
// - GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(secret, raw body); X-GitHub-Delivery.
// - Stripe: Stripe-Signature = "t=<ts>,v1=<hex HMAC-SHA256(secret, `${ts}.${body}`)>"; 300 s tolerance; event id in the body.
// - Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(secret, raw body); X-Shopify-Webhook-Id.
// - Slack: X-Slack-Signature = "v0=" + hex HMAC-SHA256(secret, `v0:${ts}:${body}`); X-Slack-Request-Timestamp, 5 min.
// - Standard Webhooks: webhook-signature = "v1," + base64 HMAC-SHA256(base64-decoded whsec_ key, `${id}.${ts}.${body}`).
// Senders cannot set an Authorization header, so the token travels as ?token= as the console shows.
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as receive from "@/app/in/[id]/route";
import * as list from "@/app/api/v1/inbound-webhooks/route";
import * as one from "@/app/api/v1/inbound-webhooks/[id]/route";
import * as regenerate from "@/app/api/v1/inbound-webhooks/[id]/regenerate-token/route";
import * as endGrace from "@/app/api/v1/inbound-webhooks/[id]/end-grace-period/route";
import * as rejections from "@/app/api/v1/inbound-webhooks/[id]/rejections/route";
import * as messages from "@/app/api/v1/inbound-webhooks/[id]/messages/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { REJECTIONS_PER_MINUTE, trimRejections } from "@/lib/inbound/rejections";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let apiToken: string;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/in/[id]": receive,
    "/api/v1/inbound-webhooks": list,
    "/api/v1/inbound-webhooks/[id]": one,
    "/api/v1/inbound-webhooks/[id]/regenerate-token": regenerate,
    "/api/v1/inbound-webhooks/[id]/end-grace-period": endGrace,
    "/api/v1/inbound-webhooks/[id]/rejections": rejections,
    "/api/v1/inbound-webhooks/[id]/messages": messages,
  });
  const orgId = (await db.organization.create({ data: { name: "Senders" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["inbound:read", "inbound:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  apiToken = (await r.json()).access_token;
});
afterAll(() => server?.close());

function api(method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

type Created = { id: string; url: string; token: string; verification_secret?: string; verification: string; verification_secret_configured: boolean };
async function create(body: Record<string, unknown>): Promise<Created> {
  const res = await api("POST", "/api/v1/inbound-webhooks", { handler: "store", ...body });
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return res.json();
}

type Rejection = { reason: string; status: number; detail: string; body_size: number | null; source_ip: string | null; token_last4: string | null; user_agent: string | null };
async function rejectionsOf(id: string): Promise<Rejection[]> {
  const res = await api("GET", `/api/v1/inbound-webhooks/${id}/rejections?limit=100`);
  expect(res.status).toBe(200);
  return (await res.json()).data;
}

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const now = () => Math.floor(Date.now() / 1000);

/** A request as each sender signs it, from its documentation. `at` shifts the signed timestamp. */
type Sender = {
  type: string;
  secret: string;
  sign(secret: string, body: string, deliveryId: string, at: number): Record<string, string>;
  body(deliveryId: string): string;
  /** Whether the scheme signs a timestamp (so a stale one is refused). */
  stale?: true;
};

const SENDERS: Sender[] = [
  {
    type: "github",
    secret: "gh-webhook-secret-It's a Secret to Everybody",
    sign: (secret, body, id) => ({
      "x-github-event": "push",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${hmac(secret, body).toString("hex")}`,
      "user-agent": "GitHub-Hookshot/044aadd",
    }),
    body: () => JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octo/repo" } }),
  },
  {
    type: "stripe",
    secret: "whsec_stripe_endpoint_secret_0123456789",
    sign: (secret, body, _id, at) => ({
      "stripe-signature": `t=${at},v1=${hmac(secret, `${at}.${body}`).toString("hex")},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`,
      "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }),
    body: (id) => JSON.stringify({ id, object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_1", amount: 2000 } } }),
    stale: true,
  },
  {
    type: "shopify",
    secret: "shpss_app_client_secret_abcdef012345",
    sign: (secret, body, id) => ({
      "x-shopify-topic": "orders/create",
      "x-shopify-webhook-id": id,
      "x-shopify-shop-domain": "example.myshopify.com",
      "x-shopify-hmac-sha256": hmac(secret, body).toString("base64"),
    }),
    body: () => JSON.stringify({ id: 820982911946154500, email: "jon@example.com", total_price: "199.00" }),
  },
  {
    type: "slack",
    secret: "8f742231b10e8888abcd99yyyzzz85a5",
    sign: (secret, body, _id, at) => ({
      "x-slack-request-timestamp": String(at),
      "x-slack-signature": `v0=${hmac(secret, `v0:${at}:${body}`).toString("hex")}`,
    }),
    body: (id) => JSON.stringify({ token: "legacy", team_id: "T1", type: "event_callback", event_id: id, event: { type: "app_mention", text: "hi" } }),
    stale: true,
  },
  {
    type: "standard_webhooks",
    secret: `whsec_${Buffer.from("a 24-byte key for tests!").toString("base64")}`,
    sign: (secret, body, id, at) => ({
      "webhook-id": id,
      "webhook-timestamp": String(at),
      "webhook-signature": `v1,${hmac(Buffer.from(secret.slice(6), "base64"), `${id}.${at}.${body}`).toString("base64")}`,
    }),
    body: () => JSON.stringify({ type: "invoice.paid", data: { id: "in_1" } }),
    stale: true,
  },
];

function send(w: Created, headers: Record<string, string>, body: string) {
  return fetch(`${w.url}?token=${encodeURIComponent(w.token)}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

for (const s of SENDERS) {
  describe(`sender type ${s.type}`, () => {
    let w: Created;
    beforeAll(async () => {
      w = await create({ name: `From ${s.type}`, verification: s.type, verification_secret: s.secret });
      expect(w.verification).toBe(s.type);
      expect(w.verification_secret_configured).toBe(true);
    });

    it("accepts a request signed as the sender's documentation says, and records its delivery id", async () => {
      const id = s.type === "stripe" ? "evt_1QAbc" : s.type === "slack" ? "Ev0PV52K21" : randomUUID();
      const body = s.body(id);
      const res = await send(w, s.sign(s.secret, body, id, now()), body);
      expect(res.status, await res.clone().text()).toBe(202);
      const { id: messageId } = await res.json();
      const m = await db.inboundMessage.findUniqueOrThrow({ where: { id: messageId } });
      expect(Buffer.from(m.body).toString()).toBe(body);
      expect(m.senderMessageId).toBe(id);
    });

    it("refuses a wrong secret and a tampered body, storing nothing and logging each as rejected (without the body)", async () => {
      const before = await db.inboundMessage.count({ where: { webhookId: w.id } });
      const id = `evt_${randomUUID()}`;
      const body = s.body(id);
      const wrong = await send(w, { ...s.sign(`${s.secret}-wrong`, body, id, now()), "user-agent": "sender-under-test" }, body);
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).detail).toMatch(/Signature check failed/);
      const tampered = await send(w, s.sign(s.secret, body, id, now()), body.replace("{", '{"extra":1,'));
      expect(tampered.status).toBe(401);
      expect(await db.inboundMessage.count({ where: { webhookId: w.id } })).toBe(before);
      const logged = await rejectionsOf(w.id);
      expect(logged.length).toBeGreaterThanOrEqual(2);
      const r = logged.find((x) => x.user_agent === "sender-under-test")!;
      expect(r).toMatchObject({ reason: "signature_invalid", status: 401, body_size: Buffer.byteLength(body), source_ip: "127.0.0.1", token_last4: w.token.slice(-4) });
      expect(JSON.stringify(logged)).not.toContain(body.slice(1, 30));
      expect(JSON.stringify(logged)).not.toContain(w.token);
    });

    if (s.stale) {
      it("refuses a stale timestamp (a replay outside the sender's window) and a future one", async () => {
        const id = `evt_${randomUUID()}`;
        const body = s.body(id);
        const old = await send(w, s.sign(s.secret, body, id, now() - 301), body);
        expect(old.status).toBe(401);
        expect((await old.json()).detail).toMatch(/tolerance|more than 5 minutes/);
        const future = await send(w, s.sign(s.secret, body, id, now() + 400), body);
        expect(future.status).toBe(401);
        // Inside the window it passes: the refusal above was the timestamp, nothing else.
        expect((await send(w, s.sign(s.secret, body, id, now() - 200), body)).status).toBe(202);
        expect((await rejectionsOf(w.id)).some((r) => r.reason === "signature_invalid" && /tolerance|5 minutes/.test(r.detail))).toBe(true);
      });
    }

    it("stores 10 concurrent identical deliveries once: one 202, nine 200 with the same message id", async () => {
      const id = s.type === "stripe" ? `evt_${randomUUID()}` : s.type === "slack" ? `Ev${randomUUID()}` : randomUUID();
      const body = s.body(id);
      const headers = s.sign(s.secret, body, id, now());
      const before = await db.inboundMessage.count({ where: { webhookId: w.id } });
      const burst = await Promise.all(Array.from({ length: 10 }, () => send(w, headers, body)));
      const answers = await Promise.all(burst.map(async (r) => ({ status: r.status, body: await r.json() })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(answers.filter((a) => a.body.duplicate).length).toBe(9);
      expect(await db.inboundMessage.count({ where: { webhookId: w.id } })).toBe(before + 1);
      // The sender's retry later on (a fresh signature, the same delivery id) is still the same message.
      const retry = await send(w, s.sign(s.secret, body, id, now()), body);
      expect(retry.status).toBe(200);
      expect((await retry.json()).id).toBe(answers[0]!.body.id);
    });
  });
}

describe("dedup window", () => {
  const gh = SENDERS[0]!;

  it("holds for the event and forward handlers too: 10 concurrent → one message, one event", async () => {
    for (const extra of [{ handler: "event", event_type: "run.completed" }, { handler: "forward", forward_url: "https://example.com/in" }]) {
      const w = await create({ name: `GitHub ${extra.handler}`, verification: "github", verification_secret: gh.secret, ...extra });
      const id = randomUUID();
      const body = gh.body(id);
      const burst = await Promise.all(Array.from({ length: 10 }, () => send(w, gh.sign(gh.secret, body, id, 0), body)));
      expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
      const stored = await db.inboundMessage.findMany({ where: { webhookId: w.id } });
      expect(stored).toHaveLength(1);
      expect(await db.event.count({ where: { id: stored[0]!.eventId! } })).toBe(1);
    }
  });

  it("ends: a repeat after the window is a new message; with the window at 0 every request is one", async () => {
    const w = await create({ name: "Short window", verification: "github", verification_secret: gh.secret, dedup_window_seconds: 3600 });
    const id = randomUUID();
    const body = gh.body(id);
    const first = await send(w, gh.sign(gh.secret, body, id, 0), body);
    expect(first.status).toBe(202);
    expect((await send(w, gh.sign(gh.secret, body, id, 0), body)).status).toBe(200);
    // The window passes (moved, not slept).
    await db.inboundDedupKey.updateMany({ where: { webhookId: w.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const after = await send(w, gh.sign(gh.secret, body, id, 0), body);
    expect(after.status).toBe(202);
    expect((await after.json()).id).not.toBe((await first.json()).id);
    // And that one is now the message repeats are answered with.
    expect((await send(w, gh.sign(gh.secret, body, id, 0), body)).status).toBe(200);

    const patched = await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { dedup_window_seconds: 0 });
    expect((await patched.json()).dedup_window_seconds).toBe(0);
    const a = await send(w, gh.sign(gh.secret, body, id, 0), body);
    const b = await send(w, gh.sign(gh.secret, body, id, 0), body);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await db.inboundMessage.count({ where: { webhookId: w.id } })).toBe(4);
    const audit = await db.auditEvent.findFirst({ where: { targetId: w.id, action: "inbound_webhook.updated" }, orderBy: { createdAt: "desc" } });
    expect(audit?.after).toMatchObject({ dedup_window_seconds: 0 });
  });

  it("an unsigned sender's ids are not trusted: a Generic webhook stores every request", async () => {
    const w = await create({ name: "Generic" });
    const headers = { "x-github-delivery": "same", "webhook-id": "same" };
    expect((await send(w, headers, "{}")).status).toBe(202);
    expect((await send(w, headers, "{}")).status).toBe(202);
  });
});

describe("sender-issued secrets", () => {
  it("Stripe without its secret yet: refused and logged as secret_not_configured until the admin pastes it", async () => {
    const stripe = SENDERS[1]!;
    const w = await create({ name: "Stripe later", verification: "stripe" });
    expect(w.verification_secret).toBeUndefined();
    expect(w.verification_secret_configured).toBe(false);
    const id = `evt_${randomUUID()}`;
    const body = stripe.body(id);
    const refused = await send(w, stripe.sign(stripe.secret, body, id, now()), body);
    expect(refused.status).toBe(401);
    expect((await rejectionsOf(w.id))[0]).toMatchObject({ reason: "secret_not_configured" });
    const patched = await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { verification_secret: stripe.secret });
    expect((await patched.json()).verification_secret_configured).toBe(true);
    expect((await send(w, stripe.sign(stripe.secret, body, id, now()), body)).status).toBe(202);
  });
});

describe("token regeneration with a grace period", () => {
  it("accepts the old token until the grace ends, shows which token each message used and the old token's last use", async () => {
    const w = await create({ name: "Rotating" });
    const post = (tok: string) => fetch(w.url, { method: "POST", headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" }, body: "{}" });
    const res = await api("POST", `/api/v1/inbound-webhooks/${w.id}/regenerate-token`, { grace_period_seconds: 3600 });
    expect(res.status).toBe(200);
    const regenerated = await res.json();
    expect(regenerated.previous_token).toMatchObject({ last4: w.token.slice(-4), last_used_at: null });
    expect(Date.parse(regenerated.previous_token.valid_until) - Date.now()).toBeGreaterThan(3500_000);

    expect((await post(w.token)).status).toBe(202);
    expect((await post(regenerated.token)).status).toBe(202);
    const shown = (await (await api("GET", `/api/v1/inbound-webhooks/${w.id}/messages`)).json()).data as { token: string; token_last4: string }[];
    expect(shown.map((m) => [m.token, m.token_last4])).toEqual([
      ["current", regenerated.token.slice(-4)],
      ["previous", w.token.slice(-4)],
    ]);
    const detail = await (await api("GET", `/api/v1/inbound-webhooks/${w.id}`)).json();
    expect(detail.previous_token.last_used_ip).toBe("127.0.0.1");
    expect(Date.now() - Date.parse(detail.previous_token.last_used_at)).toBeLessThan(60_000);

    // Ended early: the old token is refused from then on, and the refusal is logged with its last four.
    expect((await api("POST", `/api/v1/inbound-webhooks/${w.id}/end-grace-period`, {})).status).toBe(200);
    expect((await post(w.token)).status).toBe(401);
    expect((await rejectionsOf(w.id))[0]).toMatchObject({ reason: "token_invalid", token_last4: w.token.slice(-4) });
    expect((await api("POST", `/api/v1/inbound-webhooks/${w.id}/end-grace-period`, {})).status).toBe(409);
    const audit = await db.auditEvent.findMany({ where: { targetId: w.id }, orderBy: { createdAt: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["inbound_webhook.created", "inbound_webhook.token_regenerated", "inbound_webhook.token_grace_ended"]);
  });

  it("without a grace period (and once it has passed) the old token is refused", async () => {
    const w = await create({ name: "Rotating now" });
    const post = (tok: string) => fetch(w.url, { method: "POST", headers: { authorization: `Bearer ${tok}` }, body: "x" });
    const r1 = await (await api("POST", `/api/v1/inbound-webhooks/${w.id}/regenerate-token`)).json();
    expect(r1.previous_token).toBeNull();
    expect((await post(w.token)).status).toBe(401);
    // Past the 5-second double-click guard on regenerations (moved, not slept).
    await db.inboundWebhook.update({ where: { id: w.id }, data: { tokenRegeneratedAt: new Date(Date.now() - 10_000) } });
    const again = await api("POST", `/api/v1/inbound-webhooks/${w.id}/regenerate-token`, { grace_period_seconds: 60 });
    expect(again.status).toBe(200);
    const r2 = await again.json();
    expect((await post(r1.token)).status).toBe(202);
    await db.inboundWebhook.update({ where: { id: w.id }, data: { previousTokenUntil: new Date(Date.now() - 1) } });
    expect((await post(r1.token)).status).toBe(401);
    expect((await post(r2.token)).status).toBe(202);
  });
});

describe("rejected requests", () => {
  it("logs each kind of refusal with time, IP, reason and size, and nothing for unknown webhooks", async () => {
    const w = await create({ name: "Refusals", rate_limit_per_minute: 2 });
    const url = w.url;
    await fetch(url, { method: "POST", body: "no token" });
    await fetch(url, { method: "GET" });
    await fetch(url, { method: "POST", headers: { authorization: "Bearer gin_test_notatoken" }, body: "abc" });
    await fetch(`${url}?token=${w.token}`, { method: "POST", body: "1" });
    await fetch(`${url}?token=${w.token}`, { method: "POST", body: "2" });
    await fetch(`${url}?token=${w.token}`, { method: "POST", body: "3" }); // the third in a minute: 429
    await api("PATCH", `/api/v1/inbound-webhooks/${w.id}`, { status: "inactive" });
    await fetch(`${url}?token=${w.token}`, { method: "POST", body: "4" });
    const reasons = (await rejectionsOf(w.id)).map((r) => [r.reason, r.status, r.body_size]);
    expect(reasons).toEqual([
      ["inactive", 404, 1],
      ["rate_limited", 429, 1],
      ["token_invalid", 401, 3],
      ["method_not_allowed", 405, null],
      ["token_missing", 401, 8],
    ]);
    const unknown = "iwh_0000000000000000000000zzzz";
    expect((await fetch(`${server.origin}/in/${unknown}`, { method: "POST", body: "x" })).status).toBe(404);
    expect(await db.inboundRejection.count({ where: { webhookId: unknown } })).toBe(0);
  });

  it("is bounded: at most 100 logged per webhook per minute under a flood, the newest 1000 kept", async () => {
    const w = await create({ name: "Flooded" });
    for (let sent = 0; sent < REJECTIONS_PER_MINUTE + 20; sent += 20) {
      await Promise.all(Array.from({ length: 20 }, () => fetch(w.url, { method: "POST", headers: { authorization: "Bearer wrong" }, body: "x" })));
    }
    const n = await db.inboundRejection.count({ where: { webhookId: w.id } });
    expect(n).toBeGreaterThanOrEqual(REJECTIONS_PER_MINUTE);
    expect(n).toBeLessThan(REJECTIONS_PER_MINUTE + 50); // one batch may cross the line
    await trimRejections(w.id, 10);
    expect(await db.inboundRejection.count({ where: { webhookId: w.id } })).toBe(10);
  });
});

describe("Slack's Request URL check", () => {
  it("answers a signed url_verification 200 with its challenge, and refuses an unsigned one", async () => {
    const slack = SENDERS[3]!;
    const w = await create({ name: "Slack app", verification: "slack", verification_secret: slack.secret });
    const body = JSON.stringify({ token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    const res = await send(w, slack.sign(slack.secret, body, "", now()), body);
    expect(res.status).toBe(200);
    expect((await res.json()).challenge).toBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    expect((await send(w, slack.sign("not-the-secret", body, "", now()), body)).status).toBe(401);
  });
});
