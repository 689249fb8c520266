// A send whose rate-limited start went stale while its process stalled asks the throttle for a
// fresh one (attempt-delivery.ts paceSend), but not past the batch's time budget: a fresh start can
// be up to RATE_HORIZON_MS ahead, and a send that could not end within the budget is handed to a
// new run, as a first claim is. Calls attemptDeliveries directly (no executor here).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { attemptDeliveries } from "@/lib/deliveries/attempt-delivery";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "Stale starts" } })).id;
}, 60_000);
afterAll(async () => {
  await receiver?.close();
});

/** An endpoint limited to 10/s and `n` deliveries to it, pending and due (no engine runs here). */
async function pendingAtTenPerSecond(name: string, n: number, extra: { timeoutSeconds?: number } = {}) {
  const { endpoint } = await createEndpoint({
    orgId,
    environment: "test",
    name,
    url: `${receiver.url}/${name}`,
    eventTypes: [],
    fields: ENDPOINTS_FIELDS,
    ctx,
    rateLimitPerSecond: 10,
    ...extra,
  });
  // Held while paused (nothing else sends them), then pending and due.
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(...(await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id })).heldDeliveryIds);
  await db.endpoint.update({ where: { id: endpoint.id }, data: { status: "active" } });
  await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "pending", nextAttemptAt: null } });
  return { endpoint, ids };
}

it("after a stall near the end of the batch's budget, stale sends go to a new run instead of starting past it", async () => {
  const { endpoint, ids } = await pendingAtTenPerSecond("stale", 20, { timeoutSeconds: 1 });

  const budgetMs = 4_500;
  const started = Date.now();
  const batch = attemptDeliveries({ deliveryIds: ids, attempt: 0, budgetMs });
  // Sends are going at 10/s, and the throttle has granted starts up to 1 s ahead to those waiting.
  await receiver.waitFor(3, 20_000);
  // Then this process's event loop is blocked until 4 s into the 4.5 s budget (a bounded busy
  // loop, as a long synchronous task or GC pause would): every granted start passes meanwhile.
  const stallUntil = started + 4_000;
  while (Date.now() < stallUntil); // bounded: at most 4 s
  const outcomes = await batch;

  // Nothing started after the budget's end, and each delivery was either sent once or handed to a
  // new run (deferred); none was lost or sent twice.
  const deadline = started + budgetMs;
  const times = receiver.requests.filter((r) => r.path === "/stale").map((r) => r.receivedAt.getTime() - started);
  expect(Math.max(...times), `ms after the batch began: ${times.join(" ")}`).toBeLessThan(deadline - started);
  const sent = receiver.requests.filter((r) => r.path === "/stale").map((r) => String(r.headers["webhook-id"]));
  expect(new Set(sent).size).toBe(sent.length);
  const kinds = outcomes.map((o) => o.kind);
  // (A request in flight when the stall began may time out: the receiver shares this thread.)
  expect(kinds.filter((k) => k === "succeeded" || k === "retry")).toHaveLength(sent.length);
  expect(kinds.filter((k) => k === "deferred")).toHaveLength(ids.length - sent.length);
  expect(sent.length).toBeLessThan(ids.length); // some were handed off: the case this is about
  // The handed-off ones are pending, due, and free for the next run (no lease of this run left).
  expect(await db.delivery.count({ where: { id: { in: ids }, status: "pending", attempts: 0 } })).toBe(ids.length - sent.length);
  const leasesLeft = async () => Object.keys(((await db.endpointThrottle.findUnique({ where: { endpointId: endpoint.id } }))?.leases ?? {}) as object).length;
  for (let i = 0; i < 40 && (await leasesLeft()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50)); // releases go out just after
  expect(await leasesLeft()).toBe(0);
}, 60_000);

it("an event loop that lags past the slack on every timer still sends every delivery, at most its rate", async () => {
  const { ids } = await pendingAtTenPerSecond("lagging", 12);

  // An overloaded process: every few milliseconds 150 ms of synchronous work, so every timer fires
  // up to 150 ms late, past the 100 ms a start may slip. Bounded: 20 s at most.
  const started = Date.now();
  const lag = setInterval(() => {
    if (Date.now() - started > 20_000) return clearInterval(lag);
    const until = Date.now() + 150;
    while (Date.now() < until); // bounded busy loop
  }, 5);
  let outcomes;
  try {
    outcomes = await attemptDeliveries({ deliveryIds: ids, attempt: 0 });
  } finally {
    clearInterval(lag);
  }
  // Each was sent (once), none handed off to a run that would lag the same way.
  expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => "succeeded"));
  const times = receiver.requests.filter((r) => r.path === "/lagging").map((r) => r.receivedAt.getTime()).sort((a, b) => a - b);
  expect(times).toHaveLength(ids.length);
  const most = Math.max(...times.map((t, k) => times.filter((u, j) => j >= k && u <= t + 1_000).length));
  expect(most, `ms after the first: ${times.map((t) => t - times[0]!).join(" ")}`).toBeLessThanOrEqual(11);
}, 60_000);
