// Deliveries end to end on the embedded executor: events go in through ingestEvent, the real
// Inngest function signs and POSTs them to a real receiver on loopback, retries on the
// (shrunk) schedule, and records every attempt.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { waitFor } from "@/inngest/engine/testing";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { replayDelivery, replayFailedSince } from "@/lib/deliveries/replay-deliveries";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { systemCtx, deliveryStackForFile } from "@/tests/helpers/delivery-stack";

const stack = deliveryStackForFile("Deliveries"); // retries 1 s apart, 4 attempts
const ctx = systemCtx;

function endpoint(path: string, extra: { authToken?: string; timeoutSeconds?: number } = {}) {
  return createEndpoint({
    orgId: stack.orgId,
    environment: "test",
    name: path,
    url: `${stack.receiver.url}${path}`,
    eventTypes: [],
    headers: { "X-Custom": "yes" },
    fields: ENDPOINTS_FIELDS,
    ctx,
    ...extra,
  });
}

const deliveriesTo = (endpointId: string) =>
  db.delivery.findMany({ where: { endpointId }, orderBy: { createdAt: "asc" }, include: { attemptRows: { orderBy: { number: "asc" } } } });

describe("delivering events", () => {
  it("signs the exact bytes with Standard Webhooks and records the attempt", async () => {
    const { endpoint: ep, secret } = await endpoint("/ok", { authToken: "tok_123" });
    stack.receiver.respondWith((req) => (req.path === "/ok" ? { status: 204 } : { status: 500 }));
    await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: { run: 1 } });
    const [req] = await stack.receiver.waitFor(1, 30_000);
    expect(req!.path).toBe("/ok");
    const verified = new Webhook(secret).verify(req!.rawBody.toString("utf8"), req!.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: "run.completed", data: { run: 1 } });
    expect(req!.headers["authorization"]).toBe("Bearer tok_123");
    expect(req!.headers["x-custom"]).toBe("yes");
    expect(req!.headers["user-agent"]).toMatch(/Gatehouse/);
    const [d] = await waitFor(async () => {
      const rows = await deliveriesTo(ep.id);
      return rows[0]?.status === "succeeded" ? rows : null;
    }, 20_000, "succeeded");
    expect(req!.headers["webhook-id"]).toBe(d!.id);
    expect(d!.attemptRows).toHaveLength(1);
    expect(d!.attemptRows[0]).toMatchObject({ responseStatus: 204, error: null });
    expect((d!.attemptRows[0]!.requestHeaders as Record<string, string>).authorization).toBe("Bearer ••••••");
    // The body is kept once, with the event, not per attempt; the attempt log shows the exact bytes sent.
    expect(d!.attemptRows[0]!.requestBody).toBeNull();
    const shown = await getDelivery({ orgId: stack.orgId, environment: "test", id: d!.id });
    expect(shown.attempt_log[0]!.request_body).toBe(req!.rawBody.toString("utf8"));
  });

  it("retries on the schedule with the same webhook-id, then fails and can be replayed", async () => {
    const { endpoint: ep } = await endpoint("/down");
    stack.receiver.respondWith((req) => (req.path === "/down" ? { status: 500, body: "boom" } : { status: 204 }));
    const before = stack.receiver.requests.length;
    await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.failed", data: { run: 2 } });
    const failed = await waitFor(async () => {
      const rows = await deliveriesTo(ep.id);
      return rows[0]?.status === "failed" ? rows[0] : null;
    }, 60_000, "failed");
    expect(failed.attempts).toBe(4);
    expect(failed.attemptRows.map((a) => a.responseStatus)).toEqual([500, 500, 500, 500]);
    expect(failed.attemptRows[0]!.responseBody).toBe("boom");
    const sent = stack.receiver.requests.slice(before).filter((r) => r.path === "/down");
    expect(new Set(sent.map((r) => r.headers["webhook-id"]))).toEqual(new Set([failed.id]));
    const gaps = sent.slice(1).map((r, i) => r.receivedAt.getTime() - sent[i]!.receivedAt.getTime());
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(900);

    stack.receiver.respondWith(() => ({ status: 200 }));
    const replay = await replayDelivery({ orgId: stack.orgId, environment: "test", id: failed.id, ctx });
    // A replay is another attempt of the same delivery: the same id, no second record.
    expect(replay).toMatchObject({ id: failed.id, status: "pending" });
    const done = await waitFor(async () => {
      const rows = await deliveriesTo(ep.id);
      return rows[0]?.status === "succeeded" ? rows : null;
    }, 30_000, "replay succeeded");
    expect(done).toHaveLength(1);
    expect(done[0]!.attempts).toBe(5);
    expect(done[0]!.attemptRows.map((a) => [a.responseStatus, a.replayedBy])).toEqual([
      [500, null], [500, null], [500, null], [500, null], [200, "test (system)"],
    ]);
    expect(done[0]!.replayRequestedAt).toBeNull(); // handed over to the attempt
    const again = stack.receiver.requests.slice(before).filter((r) => r.path === "/down");
    expect(again).toHaveLength(5);
    expect(again.at(-1)!.headers["webhook-id"]).toBe(failed.id);
  });

  it("honours Retry-After on 429 and disables the endpoint on 410", async () => {
    const { endpoint: slow } = await endpoint("/slow");
    let n = 0;
    stack.receiver.respondWith((req) => {
      if (req.path === "/slow") return ++n === 1 ? { status: 429, headers: { "retry-after": "2" } } : { status: 200 };
      if (req.path === "/gone") return { status: 410 };
      return { status: 204 };
    });
    await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: {} });
    const ok = await waitFor(async () => {
      const rows = await deliveriesTo(slow.id);
      return rows[0]?.status === "succeeded" ? rows[0] : null;
    }, 30_000, "slow succeeded");
    const gap = ok.attemptRows[1]!.createdAt.getTime() - ok.attemptRows[0]!.createdAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(1900);

    await db.endpoint.update({ where: { id: slow.id }, data: { status: "paused" } }); // keep it out of the next event
    const { endpoint: gone } = await endpoint("/gone");
    await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: {} });
    const dead = await waitFor(async () => {
      const rows = await deliveriesTo(gone.id);
      return rows[0]?.status === "failed" ? rows[0] : null;
    }, 30_000, "gone failed");
    expect(dead.attempts).toBe(1);
    const e = await db.endpoint.findUniqueOrThrow({ where: { id: gone.id } });
    expect(e.status).toBe("disabled");
    expect(e.disabledReason).toMatch(/410/);
    const audit = await db.auditEvent.findFirst({ where: { targetId: gone.id, action: "endpoint.disabled" } });
    expect(audit?.actorType).toBe("system");
    await db.endpoint.update({ where: { id: gone.id }, data: { status: "paused" } });
  });

  it("holds deliveries of a paused endpoint and releases them in order on resume", async () => {
    const { endpoint: ep } = await endpoint("/paused");
    stack.receiver.respondWith(() => ({ status: 200 }));
    await setEndpointStatus({ orgId: stack.orgId, environment: "test", id: ep.id, status: "paused", ctx });
    for (const i of [1, 2, 3]) await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: { i } });
    const held = await deliveriesTo(ep.id);
    expect(held.map((d) => d.status)).toEqual(["held", "held", "held"]);
    const before = stack.receiver.requests.filter((r) => r.path === "/paused").length;
    expect(before).toBe(0);
    await setEndpointStatus({ orgId: stack.orgId, environment: "test", id: ep.id, status: "active", ctx });
    await waitFor(async () => (await deliveriesTo(ep.id)).every((d) => d.status === "succeeded"), 30_000, "released");
    const order = stack.receiver.requests.filter((r) => r.path === "/paused").map((r) => JSON.parse(r.body).data.i);
    expect(order.sort()).toEqual([1, 2, 3]);
  });

  it("keeps delivering to other endpoints while a slow one has its 10 deliveries in flight", async () => {
    // Order, not wall time: the slow receiver answers nothing until the test opens its gate, so
    // the quick one getting all 12 while the slow one still holds 10 unanswered proves the slow
    // endpoint took no slot beyond its own, however slowly this machine runs. (Its 30 s timeout
    // is far beyond what the quick deliveries need; the gate opens long before.)
    const { endpoint: slow } = await endpoint("/slow-receiver", { timeoutSeconds: 30 });
    const { endpoint: quick } = await endpoint("/quick-receiver");
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let answered = 0;
    stack.receiver.respondWith(async (req) => {
      if (req.path !== "/slow-receiver") return { status: 200 };
      await gate;
      answered++;
      return { status: 200 };
    });
    const from = stack.receiver.requests.length;
    const to = (path: string) => stack.receiver.requests.slice(from).filter((r) => r.path === path).length;
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: { i } })));
      // deliver-webhook sends at most 10 at once to one endpoint (one batch at a time, 10 of its
      // requests in flight): the slow one holds 10, unanswered...
      await waitFor(async () => to("/slow-receiver") >= 10 || undefined, 20_000, "10 requests at the slow receiver");
      // ...and the executor has slots left for the rest: the quick one gets all 12 meanwhile.
      await waitFor(async () => to("/quick-receiver") >= 12 || undefined, 20_000, "12 requests at the quick receiver");
      expect(answered).toBe(0); // all of it while the slow receiver had answered nothing
      expect(to("/slow-receiver")).toBe(10); // and never an 11th in flight to it
    } finally {
      open();
    }
    // Once it answers, the other 2 follow.
    await waitFor(async () => to("/slow-receiver") >= 12 || undefined, 20_000, "the slow receiver's last 2");
    for (const ep of [slow, quick]) await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
    stack.receiver.respondWith(() => ({ status: 200 }));
  }, 60_000);

  it("bulk-replays failed deliveries since a time", async () => {
    const { endpoint: ep } = await endpoint("/bulk");
    stack.receiver.respondWith((req) => (req.path === "/bulk" ? { status: 410 } : { status: 200 }));
    const since = new Date();
    await ingestEvent({ orgId: stack.orgId, environment: "test", type: "run.completed", data: {} });
    await waitFor(async () => (await deliveriesTo(ep.id))[0]?.status === "failed", 30_000, "failed");
    await setEndpointStatus({ orgId: stack.orgId, environment: "test", id: ep.id, status: "active", ctx }); // re-enable after 410
    stack.receiver.respondWith(() => ({ status: 200 }));
    const { replayed } = await replayFailedSince({ orgId: stack.orgId, environment: "test", endpointId: ep.id, since, ctx });
    expect(replayed).toBe(1);
    const [d] = await waitFor(async () => {
      const rows = await deliveriesTo(ep.id);
      return rows.length === 1 && rows[0]!.status === "succeeded" ? rows : null;
    }, 30_000, "replayed");
    expect(d!.attemptRows.map((a) => a.responseStatus)).toEqual([410, 200]);
    expect(d!.attemptRows[1]!.replayedAt).not.toBeNull();
    expect((await replayFailedSince({ orgId: stack.orgId, environment: "test", endpointId: ep.id, since, ctx })).replayed).toBe(0);
  });
});
