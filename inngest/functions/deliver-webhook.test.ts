// Unit tests of deliver-webhook against the real database and a real receiver on loopback: its
// try (deliverTry, what the function runs; no executor, no retries) with `attempt` (0-based) as
// the executor would pass it on a retry, so the tests see the real RetryAfterError /
// NonRetriableError with its retry time; and once through the SDK with @inngest/test.
import { InngestTestEngine } from "@inngest/test";
import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before deliver-webhook is imported: its retry count is read when the function is created.
vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "2s,5s,7s"; // 4 attempts
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { deliverTry, deliverWebhook } from "@/inngest/functions/deliver-webhook";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const HOUR = 3_600_000;
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Deliver webhook unit" } })).id;
  receiver = await startReceiver();
}, 120_000);
afterAll(async () => {
  await receiver?.close();
});

async function endpointAt(path: string) {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name: path, url: `${receiver.url}${path}`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  return endpoint;
}

/** `n` pending deliveries to one endpoint (stored, not dispatched: no executor here). */
async function deliveriesFor(endpointId: string, n = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, dispatch: false, onlyEndpointId: endpointId });
    ids.push(...r.pendingDeliveryIds);
  }
  expect(ids).toHaveLength(n);
  return ids;
}

/** One try of the function over these deliveries, as the executor would make it on attempt `attempt`. */
async function tryOnce(endpointId: string, deliveryIds: string[], attempt: number) {
  // The executor makes a retry when it is due: what was scheduled for later is due now.
  await db.delivery.updateMany({ where: { id: { in: deliveryIds }, status: "pending", nextAttemptAt: { gt: new Date() } }, data: { nextAttemptAt: new Date() } });
  const before = Date.now();
  const thrown: unknown[] = [];
  const out = { result: undefined as unknown };
  try {
    out.result = await deliverTry(deliveryIds.map((deliveryId) => ({ data: { deliveryId, endpointId } })), attempt);
  } catch (err) {
    thrown.push(err);
  }
  return { out, thrown, before, after: Date.now() };
}

const load = (id: string) => db.delivery.findUniqueOrThrow({ where: { id }, include: { attemptRows: { orderBy: { number: "asc" } } } });
const sentTo = (path: string) => receiver.requests.filter((r) => r.path === path);

/** The retry time lies `delayMs` after the try (within the time the try took). */
function expectRetryAt(at: Date, t: { before: number; after: number }, delayMs: number) {
  expect(at.getTime()).toBeGreaterThanOrEqual(t.before + delayMs - 5);
  expect(at.getTime()).toBeLessThanOrEqual(t.after + delayMs + 5);
}

describe("deliver-webhook's try", () => {
  it("runs as the function, through the SDK: one call does the whole try, no step", async () => {
    const ep = await endpointAt("/sdk");
    const [id] = await deliveriesFor(ep.id);
    receiver.respondWith(() => ({ status: 200 }));
    const t = new InngestTestEngine({ function: deliverWebhook });
    const { result, error, state } = await t.execute({ events: [{ name: "gatehouse/delivery.requested", data: { deliveryId: id, endpointId: ep.id } }] as never });
    expect(error).toBeUndefined();
    expect(result).toEqual({ kind: "succeeded", status: 200 });
    expect(Object.keys(state)).toEqual([]);
    expect((await load(id!)).status).toBe("succeeded");
  });

  it("a 2xx gives the succeeded outcome and records the attempt", async () => {
    const ep = await endpointAt("/ok");
    const [id] = await deliveriesFor(ep.id);
    receiver.respondWith(() => ({ status: 202, body: "accepted" }));
    const { out, thrown } = await tryOnce(ep.id, [id!], 0);
    expect(thrown).toEqual([]);
    expect(out.result).toEqual({ kind: "succeeded", status: 202 });
    const reqs = sentTo("/ok");
    expect(reqs.map((r) => r.headers["webhook-id"])).toEqual([id]);
    const d = await load(id!);
    expect(d.status).toBe("succeeded");
    expect(d.attemptRows).toHaveLength(1);
    expect(d.attemptRows[0]).toMatchObject({ number: 1, responseStatus: 202, responseBody: "accepted", error: null });
  });

  it("a 500 throws RetryAfterError at the schedule's delay for that attempt, and the last one fails for good", async () => {
    const ep = await endpointAt("/500");
    const [id] = await deliveriesFor(ep.id);
    receiver.respondWith(() => ({ status: 500, body: "boom" }));

    // First try: the schedule's first delay (2 s).
    const first = await tryOnce(ep.id, [id!], 0);
    expect(first.thrown).toHaveLength(1);
    const e0 = first.thrown[0] as RetryAfterError;
    expect(e0).toBeInstanceOf(RetryAfterError);
    expect(e0.message).toBe("HTTP 500");
    expectRetryAt(new Date(e0.retryAfter), first, 2_000);
    let d = await load(id!);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 500, lastError: "HTTP 500" });
    expectRetryAt(d.nextAttemptAt!, first, 2_000);
    expect(d.attemptRows[0]).toMatchObject({ responseStatus: 500, responseBody: "boom" });

    // Second try (attempt 1): the schedule's second delay (5 s).
    const second = await tryOnce(ep.id, [id!], 1);
    const e1 = second.thrown[0] as RetryAfterError;
    expect(e1).toBeInstanceOf(RetryAfterError);
    expectRetryAt(new Date(e1.retryAfter), second, 5_000);

    // The last try (attempt 3 = the schedule's length): no retry left.
    const last = await tryOnce(ep.id, [id!], 3);
    expect(last.thrown[0]).toBeInstanceOf(NonRetriableError);
    expect(last.thrown[0]).not.toBeInstanceOf(RetryAfterError);
    d = await load(id!);
    expect(d).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });
    expect(d.completedAt).not.toBeNull();
    expect(sentTo("/500").map((r) => r.headers["webhook-id"])).toEqual([id, id, id]);
  });

  it("a 429 with Retry-After is honoured, and capped at an hour", async () => {
    const ep = await endpointAt("/429");
    const [id] = await deliveriesFor(ep.id);
    receiver.respondWith(() => ({ status: 429, headers: { "retry-after": "11" } }));
    const asked = await tryOnce(ep.id, [id!], 0);
    const e = asked.thrown[0] as RetryAfterError;
    expect(e).toBeInstanceOf(RetryAfterError);
    expect(e.message).toBe("HTTP 429");
    expectRetryAt(new Date(e.retryAfter), asked, 11_000); // not the schedule's 2 s
    expectRetryAt((await load(id!)).nextAttemptAt!, asked, 11_000);

    // A receiver asking for a week gets the cap: the schedule's longest wait, at least an hour.
    receiver.respondWith(() => ({ status: 429, headers: { "retry-after": String(7 * 24 * 3600) } }));
    const greedy = await tryOnce(ep.id, [id!], 1);
    const g = greedy.thrown[0] as RetryAfterError;
    expect(g).toBeInstanceOf(RetryAfterError);
    expectRetryAt(new Date(g.retryAfter), greedy, HOUR);
    const d = await load(id!);
    expect(d.status).toBe("pending");
    expect(d.attemptRows.map((a) => a.responseStatus)).toEqual([429, 429]);
  });

  it("a 410 throws NonRetriableError, fails the delivery and disables the endpoint", async () => {
    const ep = await endpointAt("/410");
    const [id] = await deliveriesFor(ep.id);
    receiver.respondWith(() => ({ status: 410 }));
    const { thrown } = await tryOnce(ep.id, [id!], 0);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(NonRetriableError);
    expect((thrown[0] as Error).message).toMatch(/410/);
    const d = await load(id!);
    expect(d).toMatchObject({ status: "failed", attempts: 1, lastResponseStatus: 410, nextAttemptAt: null });
    const e = await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(e.status).toBe("disabled");
    expect(e.disabledReason).toMatch(/410/);
    const audit = await db.auditEvent.findFirst({ where: { targetId: ep.id, action: "endpoint.disabled" } });
    expect(audit?.actorType).toBe("system");
  });

  it("a batch of one endpoint's deliveries where some fail retries only those", async () => {
    const ep = await endpointAt("/batch");
    const ids = await deliveriesFor(ep.id, 5);
    const failing = new Set([ids[1]!, ids[3]!]);
    receiver.respondWith((req) => (failing.has(String(req.headers["webhook-id"])) ? { status: 503 } : { status: 200 }));

    const first = await tryOnce(ep.id, ids, 0);
    const e = first.thrown[0] as RetryAfterError;
    expect(e).toBeInstanceOf(RetryAfterError);
    expect(e.message).toBe("HTTP 503 (2 of 5 deliveries)");
    expectRetryAt(new Date(e.retryAfter), first, 2_000); // one retry time for the batch
    expect(new Set(sentTo("/batch").map((r) => r.headers["webhook-id"]))).toEqual(new Set(ids));
    for (const id of ids) expect((await load(id)).status).toBe(failing.has(id) ? "pending" : "succeeded");

    // The retry (same events, attempt 1) sends only what is still pending.
    receiver.respondWith(() => ({ status: 200 }));
    const before = sentTo("/batch").length;
    const second = await tryOnce(ep.id, ids, 1);
    expect(second.thrown).toEqual([]);
    expect(second.out.result).toEqual({ deliveries: 5, outcomes: { skipped: 3, succeeded: 2 } });
    const resent = sentTo("/batch").slice(before).map((r) => String(r.headers["webhook-id"]));
    expect(resent.sort()).toEqual([...failing].sort());
    for (const id of ids) {
      const d = await load(id);
      expect(d.status).toBe("succeeded");
      expect(d.attemptRows.map((a) => a.responseStatus)).toEqual(failing.has(id) ? [503, 200] : [200]);
    }
  });

  it("a 410 stops what is still unsent to that endpoint, and every endpoint that answered 410 is disabled", async () => {
    const a = await endpointAt("/gone-a");
    const b = await endpointAt("/gone-b");
    const ids = [...(await deliveriesFor(a.id, 12)), ...(await deliveriesFor(b.id))];
    receiver.respondWith(() => ({ status: 410 }));
    const before = { a: sentTo("/gone-a").length, b: sentTo("/gone-b").length };
    const { thrown } = await tryOnce(a.id, ids, 0);
    expect(thrown[0]).toBeInstanceOf(NonRetriableError);
    // At most the 10 in flight before the first 410 came back were sent to a; the rest were not.
    expect(sentTo("/gone-a").length - before.a).toBeLessThanOrEqual(10);
    expect(sentTo("/gone-b").length - before.b).toBe(1);
    for (const id of ids) expect((await load(id)).status).toBe("failed");
    for (const ep of [a, b]) {
      expect(await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } })).toMatchObject({ status: "disabled", disabledReason: "the receiver answered 410 Gone" });
      expect(await db.auditEvent.count({ where: { targetId: ep.id, action: "endpoint.disabled" } })).toBe(1);
    }
  });
});
