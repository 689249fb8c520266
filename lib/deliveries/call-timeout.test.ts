// Deliveries under stress, finding 3: no duplicates, and nothing sent without a record. A backlog
// of held deliveries on an endpoint that hangs past its timeout is released, with the timeouts
// shrunk: endpoint timeout 1 s, the executor's call timeout 4 s, so a batch (10 at a time, 6 rounds)
// outlives its call. What the receiver got is counted against the attempt log throughout:
// - every request the receiver got has its attempt recorded once its timeout has passed (an
//   attempt is recorded when it ends, not when its batch ends);
// - a call the executor gave up on is really cancelled: its sends in flight end as "cancelled"
//   attempts and no send of it starts after (on the old code the handler ran on, unrecorded,
//   while the retry of the call sent the same deliveries again);
// - with the receiver back, every delivery succeeds with exactly one 2xx answer, and no webhook-id
//   reached the receiver more often than the attempt log shows.
// Then the same backlog with a batch budget shorter than the call: no call times out, the rest
// of each batch is handed to new runs.
import { afterAll, beforeAll, expect, it } from "vitest";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s,1s,1s,1s,1s,1s,1s";
// The subject is each call's and delivery's own timeouts and retries: the circuit breaker (which
// would hold the backlog once 20 attempts over several deliveries failed) is out of the way.
process.env.GATEHOUSE_CIRCUIT_FAILURES = "100000";

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";

const BACKLOG = 60;
const TIMEOUT_MS = 1_000;
const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  // batchWhenBusy 1: the backlog goes out as one batched call (the first event alone), so the
  // sends after a cancellation can only come from that call. With the default (3), the first
  // events run alone and their own retries (1 s schedule, each recorded as "timeout") land in the
  // window this test watches: seen and checked, they are not sends of the cancelled call.
  // 4 s: a loaded machine may take over a second to start the first sends, and the first round
  // must time out (1 s) before the call does; 60 deliveries still take 6 rounds, longer than it.
  stack = await startDeliveryEngine({ callTimeoutMs: 4_000, batchWhenBusy: 1 });
  receiver = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "Call timeout" } })).id;
}, 120_000);
afterAll(async () => {
  delete process.env.GATEHOUSE_BATCH_BUDGET_SECONDS;
  await stack?.close();
  await receiver?.close();
});

/** An endpoint with BACKLOG held deliveries, resumed (released to the engine at once). */
async function backlog(name: string): Promise<{ endpointId: string; ids: string[]; path: string; resumedAt: Date }> {
  const path = `/${name}`;
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url: `${receiver.url}${path}`, eventTypes: [], timeoutSeconds: TIMEOUT_MS / 1000, fields: ENDPOINTS_FIELDS, ctx });
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const ids: string[] = [];
  for (let i = 0; i < BACKLOG; i++) {
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id });
    ids.push(...r.heldDeliveryIds);
  }
  expect(ids).toHaveLength(BACKLOG);
  const { endpoint: resumed } = await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "active", ctx });
  const resumedAt = (await db.delivery.findUniqueOrThrow({ where: { id: ids[0]! } })).releasedAt ?? resumed.updatedAt;
  return { endpointId: endpoint.id, ids, path, resumedAt };
}

const attemptRows = (ids: string[]) => db.deliveryAttempt.findMany({ where: { deliveryId: { in: ids } }, select: { deliveryId: true, error: true, responseStatus: true, createdAt: true } });

/** Every request that reached the receiver more than `settledMs` ago has its attempt in the log. */
async function expectEveryRequestRecorded(path: string, ids: string[], settledMs: number) {
  const cutoff = Date.now() - settledMs;
  const received = new Map<string, number>();
  for (const r of receiver.requests) {
    if (r.path !== path || r.receivedAt.getTime() > cutoff) continue;
    const id = String(r.headers["webhook-id"]);
    received.set(id, (received.get(id) ?? 0) + 1);
  }
  const recorded = new Map<string, number>();
  for (const a of await attemptRows(ids)) recorded.set(a.deliveryId, (recorded.get(a.deliveryId) ?? 0) + 1);
  const unrecorded = [...received].filter(([id, n]) => n > (recorded.get(id) ?? 0));
  expect(unrecorded, "requests the attempt log does not show").toEqual([]);
}

/** Lets the receiver hang, then answer 200; records which webhook-ids were answered 200. */
function hangThenAnswer() {
  const answered = new Map<string, number>();
  let up = false;
  receiver.respondWith((req) => {
    if (!up) return { status: 200, delayMs: 3 * TIMEOUT_MS };
    const id = String(req.headers["webhook-id"]);
    answered.set(id, (answered.get(id) ?? 0) + 1);
    return { status: 200 };
  });
  return { answered, up: () => (up = true) };
}

async function settle(ids: string[], path: string, answered: Map<string, number>) {
  await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === ids.length, 90_000, "every delivery to succeed");
  await expectEveryRequestRecorded(path, ids, 0);
  const rows = await attemptRows(ids);
  // Every delivery was answered 2xx, and no send went after one we saw succeed (exactly one
  // attempt answered 2xx each). A 2xx we did not see (the answer outlived the 1 s timeout on
  // a loaded machine) shows as a failed attempt; no webhook-id was answered more often than it
  // was attempted.
  expect(ids.filter((id) => !answered.get(id))).toEqual([]);
  expect(ids.filter((id) => rows.filter((a) => a.deliveryId === id && a.responseStatus !== null && a.responseStatus < 300).length !== 1)).toEqual([]);
  expect(ids.filter((id) => answered.get(id)! > rows.filter((a) => a.deliveryId === id).length)).toEqual([]);
  const received = receiver.requests.filter((r) => r.path === path).length;
  expect(received).toBeLessThanOrEqual(rows.length);
  return rows;
}

it("a backlog that outlives the call timeout: the call is cancelled, and every send is in the attempt log", async () => {
  process.env.GATEHOUSE_BATCH_BUDGET_SECONDS = "600"; // the budget does not split: the call timeout must act
  const r = hangThenAnswer();
  const { ids, path } = await backlog("hang");

  // Wait for the call to be given up: its sends in flight are recorded as cancelled.
  const isCancelled = (a: { error: string | null }) => a.error?.startsWith("cancelled") === true;
  const cancelledRows = await waitFor(async () => {
    const rows = (await attemptRows(ids)).filter(isCancelled);
    return rows.length > 0 ? rows : null;
  }, 30_000, "sends of a timed-out call recorded as cancelled");
  const firstCancel = Math.min(...cancelledRows.map((a) => a.createdAt.getTime()));
  // Each attempt was recorded when it ended, not when its call did: the sends that timed out
  // before the call was given up were recorded before the cancellation was. (Their statements
  // queue in order, each stamped when it starts: no wall-clock margin involved.)
  const endedBefore = (await attemptRows(ids)).filter((a) => a.error?.startsWith("timeout") && a.createdAt.getTime() < firstCancel);
  expect(endedBefore.length, "attempts recorded before the call was given up").toBeGreaterThan(0);
  // The timed-out call started nothing after it was given up (the executor waits ~10 s before
  // retrying it). Counted, not timed: this receiver shares the app's event loop and stamps a
  // request when it gets to it, on a loaded machine well after the cancellation was recorded
  // (a fixed grace of 200 ms failed under load). So for each delivery of that call, the
  // requests that arrived up to 2 s after the cancellation are no more than its attempts that
  // had ended by then: those recorded before it, and the sends it caught in flight ("cancelled").
  // A send started after it would be one more. Other runs of the backlog (under load the 60
  // may go out in more than one batch) go on sending, each send recorded: not this call's.
  await new Promise((res) => setTimeout(res, 2_000));
  const rows = await attemptRows(ids);
  const caught = new Set(rows.filter(isCancelled).map((a) => a.deliveryId));
  const runs = await db.engineRun.findMany({ select: { events: true } });
  const ofCall = new Set(
    runs
      .map((run) => (run.events as { data?: { deliveryId?: string } }[]).map((e) => e.data?.deliveryId))
      .filter((batch) => batch.some((id) => id !== undefined && caught.has(id)))
      .flat(),
  );
  expect([...caught].filter((id) => !ofCall.has(id)), "caught sends found in the engine's runs").toEqual([]);
  const accounted = new Map<string, number>();
  for (const a of rows) if (isCancelled(a) || a.createdAt.getTime() <= firstCancel) accounted.set(a.deliveryId, (accounted.get(a.deliveryId) ?? 0) + 1);
  const arrived = new Map<string, number>();
  for (const q of receiver.requests) {
    const id = String(q.headers["webhook-id"]);
    if (q.path === path && ofCall.has(id) && q.receivedAt.getTime() < firstCancel + 2_000) arrived.set(id, (arrived.get(id) ?? 0) + 1);
  }
  const started = [...arrived].filter(([id, n]) => n > (accounted.get(id) ?? 0)).map(([id, n]) => `${id}: ${n} requests, ${accounted.get(id) ?? 0} attempts`);
  expect(started, "sends started after the call was given up").toEqual([]);
  await expectEveryRequestRecorded(path, ids, TIMEOUT_MS + 1_500);

  // From here on a budget as in production, shorter than the call timeout: on a loaded machine
  // one call sending all 60 at once may outlive the call timeout again, and each timed-out call
  // is retried later (10 s, 20 s, 40 s...), past the wait for every delivery to succeed.
  process.env.GATEHOUSE_BATCH_BUDGET_SECONDS = "1.5";
  r.up();
  await settle(ids, path, r.answered);
}, 150_000);

it("with a batch budget shorter than the call, batches are split and no call times out", async () => {
  process.env.GATEHOUSE_BATCH_BUDGET_SECONDS = "1.2"; // one round of sends (timeout 1 s) per call
  const r = hangThenAnswer();
  const { ids, path, resumedAt } = await backlog("split");
  await receiver.waitFor(receiver.requests.length + 20, 15_000); // at least two rounds went out
  await new Promise((res) => setTimeout(res, 2 * TIMEOUT_MS));
  await expectEveryRequestRecorded(path, ids, TIMEOUT_MS + 1_500);
  r.up();
  const rows = await settle(ids, path, r.answered);
  expect(rows.filter((a) => a.error?.startsWith("cancelled")), "no call timed out").toEqual([]);
  // The batches were split: deliveries left over were handed to new runs (a new generation).
  const handedOff = await db.delivery.count({ where: { id: { in: ids }, releasedAt: { gt: resumedAt } } });
  expect(handedOff).toBeGreaterThan(0);
}, 150_000);
