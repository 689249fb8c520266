// The Emit event and Forward handlers end to end on the embedded executor: a request to the
// receiving URL becomes an event delivered to a subscribed outgoing endpoint's real receiver, or
// is relayed byte for byte to the forward URL, signed, retried and replayable like any delivery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import * as receive from "@/app/in/[id]/route";
import * as messages from "@/app/api/v1/inbound-webhooks/[id]/messages/route";
import * as inboundWebhookRoute from "@/app/api/v1/inbound-webhooks/[id]/route";
import * as replay from "@/app/api/v1/inbound-webhooks/[id]/messages/[messageId]/replay/route";
import * as token from "@/app/oauth/token/route";
import * as endpointsRoute from "@/app/api/v1/endpoints/route";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { signStandardWebhook } from "@/lib/inbound/signatures";
import { updateInboundWebhook } from "@/lib/inbound/update-inbound-webhook";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { serveRoutes } from "@/tests/helpers/route-server";
import { arrivalsBeforeGrants, recordThrottleGrants, throttleGrants } from "@/tests/helpers/throttle-grants";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s"; // 3 attempts, 1 s apart

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let apiToken: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Handlers" } })).id;
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  server = await serveRoutes({
    "/oauth/token": token,
    "/in/[id]": receive,
    "/api/v1/endpoints": endpointsRoute,
    "/api/v1/inbound-webhooks/[id]": inboundWebhookRoute,
    "/api/v1/inbound-webhooks/[id]/messages": messages,
    "/api/v1/inbound-webhooks/[id]/messages/[messageId]/replay": replay,
  });
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["inbound:read", "inbound:write", "endpoints:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  apiToken = (await r.json()).access_token;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await server?.close();
});

const urlOf = (id: string) => `${server.origin}/in/${id}`;
function post(id: string, tok: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(urlOf(id), { method: "POST", headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });
}
const api = (method: string, path: string) => fetch(`${server.origin}${path}`, { method, headers: { authorization: `Bearer ${apiToken}` } });

describe("Store", () => {
  it("keeps the request and sends nothing anywhere", async () => {
    const { webhook, token: tok } = await createInboundWebhook({ orgId, environment: "test", name: "store", handler: "store", ctx });
    const before = await db.event.count({ where: { orgId } });
    const r = await (await post(webhook.id, tok, '{"x":1}')).json();
    expect(r.outcome).toBe("stored");
    expect(await db.event.count({ where: { orgId } })).toBe(before);
  });
});

describe("Emit event", () => {
  it("turns each request into an event that reaches the subscribed endpoint's receiver", async () => {
    receiver.respondWith(() => ({ status: 200 }));
    const { endpoint } = await createEndpoint({
      orgId, environment: "test", name: "sub", url: `${receiver.url}/emitted`, eventTypes: ["run.completed"], fields: ENDPOINTS_FIELDS, ctx,
    });
    const { webhook, token: tok } = await createInboundWebhook({ orgId, environment: "test", name: "emit", handler: "event", eventType: "run.completed", ctx });
    const res = await post(webhook.id, tok, '{"run_id":"r-42","duration_ms":7}');
    expect(res.status).toBe(202);
    const r = await res.json();
    expect(r.outcome).toBe("emitted");
    expect(r.event_id).toMatch(/^evt_/);
    const got = await waitFor(async () => receiver.requests.find((q) => q.path === "/emitted") ?? null, 30_000, "emitted event delivered");
    expect(JSON.parse(got.body)).toMatchObject({ id: r.event_id, type: "run.completed", data: { run_id: "r-42", duration_ms: 7 } });

    const list = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages`)).json();
    const m = await waitFor(async () => {
      const l = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages`)).json();
      return l.data[0]?.deliveries[0]?.status === "succeeded" ? l.data[0] : null;
    }, 20_000, "delivery shown with the message");
    expect(list.data[0].event_id).toBe(r.event_id);
    expect(m.deliveries[0]).toMatchObject({ endpoint_id: endpoint.id, status: "succeeded" });
    await db.endpoint.update({ where: { id: endpoint.id }, data: { status: "disabled" } }); // out of later fan-outs
  });

  it("stores a request as failed when the event type was archived after setup (the admin's to fix)", async () => {
    await db.eventType.create({ data: { orgId, environment: "test", name: "shop.order", description: "order" } });
    const { webhook, token: tok } = await createInboundWebhook({ orgId, environment: "test", name: "emit2", handler: "event", eventType: "shop.order", ctx });
    await db.eventType.update({ where: { orgId_environment_name: { orgId, environment: "test", name: "shop.order" } }, data: { archivedAt: new Date() } });
    const r = await (await post(webhook.id, tok, '{"a":1}')).json();
    expect(r).toMatchObject({ outcome: "failed", event_id: null });
    expect(r.error).toMatch(/archived/);
    const failed = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages?outcome=failed`)).json();
    expect(failed.data.map((m: { id: string }) => m.id)).toEqual([r.id]);
  });
});

describe("Forward", () => {
  it("relays the raw bytes with their content type, signed over those bytes, and stays out of outgoing lists and fan-out", async () => {
    receiver.respondWith(() => ({ status: 200 }));
    const { webhook, token: tok, forwardSigningSecret } = await createInboundWebhook({
      orgId, environment: "test", name: "fwd", handler: "forward", forwardUrl: `${receiver.url}/forward`, ctx,
    });
    expect(forwardSigningSecret).toMatch(/^whsec_/);
    const body = Buffer.from([0x66, 0x6f, 0xff, 0x00, 0x6f]); // invalid UTF-8 with a NUL
    const r = await (await post(webhook.id, tok, body, { "content-type": "application/x-custom" })).json();
    expect(r.outcome).toBe("forwarded");
    const got = await waitFor(async () => receiver.requests.find((q) => q.path === "/forward") ?? null, 30_000, "forward arrived");
    expect(got.rawBody.equals(body)).toBe(true);
    expect(got.headers["content-type"]).toBe("application/x-custom");
    expect(got.headers["x-gatehouse-inbound-message"]).toBe(r.id);
    const expected = signStandardWebhook(forwardSigningSecret!, String(got.headers["webhook-id"]), Number(got.headers["webhook-timestamp"]), body);
    expect(got.headers["webhook-signature"]).toBe(expected);
    // The attempt log shows the stored request (kept once, with the message), binary as base64.
    const delivery = await waitFor(() => db.delivery.findFirst({ where: { endpointId: webhook.forwardEndpoint!.id, status: "succeeded" } }), 10_000, "recorded");
    const shown = await getDelivery({ orgId, environment: "test", id: delivery.id });
    expect(shown.attempt_log[0]!.request_body).toBe(`(binary, 5 bytes, base64) ${body.toString("base64")}`);

    // The forward endpoint is not an outgoing endpoint: not listed, and events do not fan out to it.
    const listed = await (await fetch(`${server.origin}/api/v1/endpoints`, { headers: { authorization: `Bearer ${apiToken}` } })).json();
    expect(listed.data.map((e: { id: string }) => e.id)).not.toContain(webhook.forwardEndpoint!.id);
    const ev = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: {} });
    expect(await db.delivery.count({ where: { eventId: ev.event.id, endpointId: webhook.forwardEndpoint!.id } })).toBe(0);
  });

  it("relays at the forward endpoint's throttle: a rate limit spaces the relays, and the settings show and change", async () => {
    receiver.respondWith(() => ({ status: 200 }));
    await recordThrottleGrants();
    const { webhook, token: tok } = await createInboundWebhook({
      orgId, environment: "test", name: "paced", handler: "forward", forwardUrl: `${receiver.url}/paced`,
      forwardThrottle: { rateLimitPerSecond: 4, maxInFlight: 1 }, ctx,
    });
    const shown = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}`)).json();
    expect(shown).toMatchObject({ forward_rate_limit_per_second: 4, forward_max_in_flight: 1 });
    for (let i = 0; i < 6; i++) expect((await (await post(webhook.id, tok, `{"n":${i}}`)).json()).outcome).toBe("forwarded");
    const arrived = await waitFor(async () => {
      const got = receiver.requests.filter((q) => q.path === "/paced");
      return got.length >= 6 ? got : null;
    }, 30_000, "six relays");
    // 4 per second: the throttle grants the relays' starts one interval (250 ms) apart, and none
    // goes before its start. (Not the gaps between arrivals: this receiver shares the app's event
    // loop, and on a loaded machine a late first relay arrives closer to the next one.)
    const grants = await throttleGrants(webhook.forwardEndpoint!.id);
    const gaps = grants.slice(1).map((t, i) => t - grants[i]!);
    expect(grants.length, `ms between granted starts: ${gaps.join(" ")}`).toBeGreaterThanOrEqual(6);
    expect(Math.min(...gaps), `ms between granted starts: ${gaps.join(" ")}`).toBeGreaterThanOrEqual(249);
    expect(arrivalsBeforeGrants(arrived.map((q) => q.receivedAt.getTime()), grants)).toEqual([]);

    await updateInboundWebhook({ orgId, environment: "test", id: webhook.id, patch: { forwardThrottle: { rateLimitPerSecond: null, maxInFlight: 5 } }, ctx });
    const ep = await db.endpoint.findUniqueOrThrow({ where: { id: webhook.forwardEndpoint!.id } });
    expect({ rate: ep.rateLimitPerSecond, inFlight: ep.maxInFlight }).toEqual({ rate: null, inFlight: 5 });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: webhook.id, action: "inbound_webhook.updated" }, orderBy: { seq: "desc" } });
    expect(audit.after).toMatchObject({ forward_rate_limit_per_second: null, forward_max_in_flight: 5 });
  });

  it("retries a failing target on the schedule, shows it failed, and replays it on request", async () => {
    let ok = false;
    receiver.respondWith((q) => (q.path === "/flaky" ? { status: ok ? 204 : 503 } : { status: 200 }));
    const { webhook, token: tok } = await createInboundWebhook({
      orgId, environment: "test", name: "flaky", handler: "forward", forwardUrl: `${receiver.url}/flaky`, ctx,
    });
    const r = await (await post(webhook.id, tok, '{"n":1}')).json();
    const failed = await waitFor(async () => {
      const l = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages?outcome=failed`)).json();
      return l.data[0] ?? null;
    }, 60_000, "forward failed");
    expect(failed.id).toBe(r.id);
    expect(failed.deliveries[0]).toMatchObject({ status: "failed", attempts: 3, last_response_status: 503 });
    expect(receiver.requests.filter((q) => q.path === "/flaky")).toHaveLength(3);

    ok = true;
    const res = await api("POST", `/api/v1/inbound-webhooks/${webhook.id}/messages/${r.id}/replay`);
    expect(res.status).toBe(202);
    const again = await waitFor(async () => {
      const l = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages?outcome=forwarded`)).json();
      return l.data[0]?.deliveries.some((d: { status: string }) => d.status === "succeeded") ? l.data[0] : null;
    }, 30_000, "replay succeeded");
    // Another attempt of the same forward delivery (the same webhook-id), not a second delivery.
    expect(again.deliveries).toHaveLength(1);
    expect(again.deliveries[0]).toMatchObject({ id: failed.deliveries[0].id, status: "succeeded", attempts: 4, replay_of: null });
    const sent = receiver.requests.filter((q) => q.path === "/flaky");
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((q) => q.headers["webhook-id"]))).toEqual(new Set([failed.deliveries[0].id]));
    // Once a forward succeeded the message is no longer among the failures.
    const l = await (await api("GET", `/api/v1/inbound-webhooks/${webhook.id}/messages?outcome=failed`)).json();
    expect(l.data).toHaveLength(0);
  });

  it("switching a webhook to forward creates the forward endpoint; a new URL is used by the next request", async () => {
    receiver.respondWith(() => ({ status: 200 }));
    const { webhook, token: tok } = await createInboundWebhook({ orgId, environment: "test", name: "later", handler: "store", ctx });
    const u = await updateInboundWebhook({ orgId, environment: "test", id: webhook.id, patch: { handler: "forward", forwardUrl: `${receiver.url}/first` }, ctx });
    expect(u.forwardSigningSecret).toMatch(/^whsec_/);
    const u2 = await updateInboundWebhook({ orgId, environment: "test", id: webhook.id, patch: { forwardUrl: `${receiver.url}/second` }, ctx });
    expect(u2.forwardSigningSecret).toBeUndefined();
    expect(u2.webhook.forwardEndpoint!.id).toBe(u.webhook.forwardEndpoint!.id);
    await post(webhook.id, tok, "{}");
    await waitFor(async () => receiver.requests.find((q) => q.path === "/second") ?? null, 30_000, "forward to the new URL");
  });
});
