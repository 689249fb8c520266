// A replay is another attempt of the same delivery (Standard Webhooks / Svix resend): the same id
// and `webhook-id`, no second record, so once it succeeds the Failed view no longer lists it; the
// attempt row says who replayed it and when. Through the real API (route handlers on loopback, a
// real access token), the real delivery engine and a real receiver; attacked with concurrent
// replays, replays of unfinished deliveries, a paused endpoint and another environment.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { replayDelivery, replayFailedSince } from "@/lib/deliveries/replay-deliveries";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let tok: string;
const failing = new Set<string>(); // paths that answer 500

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  receiver.respondWith((req) => ({ status: failing.has(req.path) ? 500 : 204 }));
  server = await serveRoutes(API_ROUTES);
  orgId = (await db.organization.create({ data: { name: "Replays" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "ops-bot", scopes: ["deliveries:read", "deliveries:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await stack?.close();
  await receiver?.close();
});

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

/** An endpoint at `path`, subscribed only to its own event type (`typeOf(path)`). */
async function endpoint(path: string) {
  await db.eventType.create({ data: { orgId, environment: "test", name: typeOf(path), description: path } });
  const { endpoint: ep, secret } = await createEndpoint({
    orgId, environment: "test", name: path, url: `${receiver.url}${path}`, eventTypes: [typeOf(path)], fields: ENDPOINTS_FIELDS, ctx,
  });
  return { ep, secret };
}
const typeOf = (path: string) => `run.${path.replace(/[^a-z]/g, "")}`;

/** An event whose one delivery (to `path`, answering 500) has failed after both attempts. */
async function failedDeliveryTo(path: string) {
  failing.add(path);
  const { ep, secret } = await endpoint(path);
  const { pendingDeliveryIds } = await ingestEvent({ orgId, environment: "test", type: typeOf(path), data: { path } });
  const id = pendingDeliveryIds[0]!;
  await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id } })).status === "failed" || undefined, 30_000, `${path} to fail`);
  return { ep, secret, id };
}

const sentTo = (path: string) => receiver.requests.filter((r) => r.path === path);

describe("replaying a delivery", () => {
  it("is a new attempt of the same delivery: same webhook-id, validly signed, recorded with who asked, and the Failed view clears", async () => {
    const { id, secret } = await failedDeliveryTo("/api-replay");
    expect((await api("GET", "/api/v1/deliveries?status=failed")).body.data.map((d: { id: string }) => d.id)).toContain(id);
    failing.delete("/api-replay");

    // Two replays at once (a double click, two admins): one is queued, the other is told it is in progress.
    const [a, b] = await Promise.all([api("POST", `/api/v1/deliveries/${id}/replay`), api("POST", `/api/v1/deliveries/${id}/replay`)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const ok = a.status === 202 ? a.body : b.body;
    expect(ok).toMatchObject({ id, status: "pending", url_changed_from: null, replay_requested_by: "credential ops-bot", attempts: 2 });

    const done = await waitFor(async () => {
      const d = (await api("GET", `/api/v1/deliveries/${id}`)).body;
      return d.status === "succeeded" ? d : null;
    }, 30_000, "the replay to succeed");
    expect(done).toMatchObject({ attempts: 3, last_response_status: 204, last_error: null, replay_requested_at: null, replay_requested_by: null });
    expect(done.attempt_log.map((x: { response_status: number; replayed_by: string | null }) => [x.response_status, x.replayed_by])).toEqual([
      [500, null],
      [500, null],
      [204, "credential ops-bot"],
    ]);
    expect(Date.parse(done.attempt_log[2].replayed_at)).toBeLessThanOrEqual(Date.parse(done.attempt_log[2].created_at));
    expect(await db.delivery.count({ where: { eventId: done.event_id } })).toBe(1); // no second record

    // Exactly one more request (not two), with the same webhook-id, and its signature verifies.
    const reqs = sentTo("/api-replay");
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((r) => r.headers["webhook-id"]))).toEqual(new Set([id]));
    expect(() => new Webhook(secret).verify(reqs[2]!.rawBody.toString("utf8"), reqs[2]!.headers as Record<string, string>)).not.toThrow();

    // The Failed view no longer lists it; the audit entry names the delivery and who replayed it.
    expect((await api("GET", "/api/v1/deliveries?status=failed")).body.data.map((d: { id: string }) => d.id)).not.toContain(id);
    const audit = await db.auditEvent.findMany({ where: { orgId, action: "delivery.replayed", targetId: id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "credential", after: { status: "pending" }, before: { status: "failed", attempts: 2 } });

    // A succeeded delivery can be sent again too (a receiver that lost it): attempt 4, same id.
    expect((await api("POST", `/api/v1/deliveries/${id}/replay`)).status).toBe(202);
    await waitFor(async () => sentTo("/api-replay").length === 4 || undefined, 30_000, "the second replay");
    expect(sentTo("/api-replay")[3]!.headers["webhook-id"]).toBe(id);
  }, 90_000);

  it("refuses a delivery still pending or held, and one of another environment", async () => {
    const { ep } = await endpoint("/held");
    await setEndpointStatus({ orgId, environment: "test", id: ep.id, status: "paused", ctx });
    await ingestEvent({ orgId, environment: "test", type: typeOf("/held"), data: {} });
    const held = await db.delivery.findFirstOrThrow({ where: { endpointId: ep.id } });
    expect(held.status).toBe("held");
    const r = await api("POST", `/api/v1/deliveries/${held.id}/replay`);
    expect(r.status).toBe(409);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: held.id } })).replayRequestedAt).toBeNull();

    const { id } = await failedDeliveryTo("/other-env");
    await expect(replayDelivery({ orgId, environment: "live", id, ctx })).rejects.toMatchObject({ code: "not_found" });
    const other = (await db.organization.create({ data: { name: "Other" } })).id;
    await expect(replayDelivery({ orgId: other, environment: "test", id, ctx })).rejects.toMatchObject({ code: "not_found" });
    expect((await db.delivery.findUniqueOrThrow({ where: { id } })).status).toBe("failed");
  }, 60_000);

  it("on a paused endpoint: held with who asked, sent with the same webhook-id on resume", async () => {
    const { ep, id } = await failedDeliveryTo("/paused-replay");
    failing.delete("/paused-replay");
    await setEndpointStatus({ orgId, environment: "test", id: ep.id, status: "paused", ctx });
    const r = await replayDelivery({ orgId, environment: "test", id, ctx });
    expect(r).toMatchObject({ id, status: "held" });
    await new Promise((res) => setTimeout(res, 1_500));
    expect(sentTo("/paused-replay")).toHaveLength(2); // nothing sent while paused
    await setEndpointStatus({ orgId, environment: "test", id: ep.id, status: "active", ctx });
    const d = await waitFor(async () => {
      const row = await db.delivery.findUniqueOrThrow({ where: { id }, include: { attemptRows: { orderBy: { number: "asc" } } } });
      return row.status === "succeeded" ? row : null;
    }, 30_000, "released and sent");
    expect(d.attemptRows.map((x) => x.replayedBy)).toEqual([null, null, "test (system)"]);
    expect(sentTo("/paused-replay")[2]!.headers["webhook-id"]).toBe(id);
  }, 60_000);

  it("bulk: each failed delivery of the endpoint becomes pending once, another endpoint's are untouched", async () => {
    const since = new Date();
    const one = await failedDeliveryTo("/bulk-a");
    const two = await failedDeliveryTo("/bulk-b");
    failing.delete("/bulk-a");
    const r = await api("POST", "/api/v1/deliveries/replay-failed", { since: since.toISOString(), endpoint_id: one.ep.id });
    expect(r).toEqual({ status: 202, body: { replayed: 1 } });
    // Asked again at once: it is pending (or done), not failed, so nothing is replayed twice.
    expect((await api("POST", "/api/v1/deliveries/replay-failed", { since: since.toISOString(), endpoint_id: one.ep.id })).body).toEqual({ replayed: 0 });
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: one.id } })).status === "succeeded" || undefined, 30_000, "bulk replay");
    expect(sentTo("/bulk-a").map((x) => x.headers["webhook-id"])).toEqual([one.id, one.id, one.id]);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: two.id } })).status).toBe("failed");
    expect(sentTo("/bulk-b")).toHaveLength(2);
    // Still failing: bulk-replaying it again fails again, and it is replayable again after that.
    expect((await replayFailedSince({ orgId, environment: "test", endpointId: two.ep.id, since, ctx })).replayed).toBe(1);
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: two.id } })).status === "failed" || undefined, 30_000, "failed again");
    expect((await db.delivery.findUniqueOrThrow({ where: { id: two.id } })).attempts).toBe(4);
  }, 90_000);
});
