// Deliveries under stress, finding 2: no delivery stays pending forever. The invariant: every
// pending delivery has a due time or an owning attempt, and the sweeper finds every one that has
// neither. This test creates each way a row can end up so, lets "time pass" (the rows' clocks
// are moved 10 minutes back, as if the process had been down), runs the sweeper exactly as its
// cron does, and shows that every one of them is delivered.
//
// The ways: an event ingested and its dispatch lost; a resume that committed and whose process
// died before dispatching (deliveries never tried, and deliveries already tried once); a replay
// whose dispatch was lost; a dispatcher that threw; a retry whose run the executor lost; the
// sweeper's own release of held deliveries committed with its send lost; an attempt killed
// while its send was in flight (the row still claimed by it).
import { afterAll, beforeAll, expect, it } from "vitest";

process.env.GATEHOUSE_RETRY_SCHEDULE = "30s,30s"; // 3 attempts; no retry comes due during the test

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { sendDeliveries } from "@/inngest/dispatch";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { attemptDelivery, markDeliveriesFailed } from "@/lib/deliveries/attempt-delivery";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";
import { countOverdueDeliveries, findDeliveriesToResend } from "@/lib/deliveries/sweep";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { setDeliveryDispatcher, type DeliveryDispatcher } from "@/lib/events/dispatch";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { lockEndpoint } from "@/lib/webhooks/get-endpoints";
import { applyEndpointStatus, setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "Pending forever" } })).id;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

async function endpoint(name: string) {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url: `${receiver.url}/${name}`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  return endpoint;
}
async function ingest(endpointId: string, dispatch = false): Promise<string> {
  const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { at: endpointId }, dispatch, onlyEndpointId: endpointId });
  return [...r.pendingDeliveryIds, ...r.heldDeliveryIds][0]!;
}
/** Runs `fn` as if the process died right after its commits: whatever it dispatches goes nowhere. */
async function withDispatcher<T>(fn: DeliveryDispatcher, body: () => Promise<T>): Promise<T> {
  const prev = setDeliveryDispatcher(fn);
  try {
    return await body();
  } finally {
    setDeliveryDispatcher(prev);
  }
}
const lost: DeliveryDispatcher = async () => {};
const load = (id: string) => db.delivery.findUniqueOrThrow({ where: { id } });

it("every pending delivery left with no due time or owner is found by the sweeper and delivered", async () => {
  const scoped = { orgId, environment: "test" as const };
  receiver.respondWith(() => ({ status: 500, body: "down" }));
  const cases: Record<string, string> = {};

  // 1. Ingested, then the process died before dispatching.
  const e1 = await endpoint("ingested");
  cases.ingestedDispatchLost = await withDispatcher(lost, () => ingest(e1.id, true));

  // 2. Resume committed, process killed before dispatching: one held delivery never tried, one
  //    tried once (500) before the endpoint was paused.
  const e2 = await endpoint("resumed");
  const tried = await ingest(e2.id);
  expect(await attemptDelivery({ deliveryId: tried, attempt: 0 })).toMatchObject({ kind: "retry" });
  await setEndpointStatus({ ...scoped, id: e2.id, status: "paused", ctx });
  expect(await attemptDelivery({ deliveryId: tried, attempt: 1 })).toEqual({ kind: "held" });
  const neverTried = await ingest(e2.id);
  expect((await load(neverTried)).status).toBe("held");
  await db.$transaction(async (tx) => applyEndpointStatus(tx, await lockEndpoint(tx, { ...scoped, id: e2.id }), "active", { ...scoped, ctx }));
  cases.resumedTriedOnce = tried;
  cases.resumedNeverTried = neverTried;
  expect(await load(tried)).toMatchObject({ status: "pending", attempts: 1 });

  // 3. A replay whose dispatch was lost.
  const e3 = await endpoint("replayed");
  const failed = await ingest(e3.id);
  expect(await attemptDelivery({ deliveryId: failed, attempt: 2 })).toMatchObject({ kind: "failed" });
  cases.replayDispatchLost = (await withDispatcher(lost, () => replayDelivery({ ...scoped, id: failed, ctx }))).id;

  // 4. A dispatcher that threw (the executor was down).
  const e4 = await endpoint("threw");
  cases.dispatcherThrew = await withDispatcher(
    async () => {
      throw new Error("executor down");
    },
    () => ingest(e4.id, true),
  );

  // 5. A retry whose run the executor lost: sent for real, tried once, then the run vanishes.
  const e5 = await endpoint("lost-run");
  const lostRun = await ingest(e5.id, true);
  await waitFor(async () => (await load(lostRun)).attempts === 1, 20_000, "the first attempt");
  await waitFor(async () => {
    const n = await sql(`DELETE FROM "EngineRun" WHERE "events"::text LIKE $1 RETURNING "id"`, [`%${lostRun}%`]);
    return n.length > 0;
  }, 5_000, "the run to delete");
  cases.runLost = lostRun;

  // 6. The sweeper's release of held deliveries committed, its send lost (one tried before).
  const e6 = await endpoint("sweep-released");
  const sweptTried = await ingest(e6.id);
  expect(await attemptDelivery({ deliveryId: sweptTried, attempt: 0 })).toMatchObject({ kind: "retry" });
  await db.endpoint.update({ where: { id: e6.id }, data: { status: "paused" } });
  expect(await attemptDelivery({ deliveryId: sweptTried, attempt: 1 })).toEqual({ kind: "held" });
  await db.endpoint.update({ where: { id: e6.id }, data: { status: "active" } }); // a resume whose release was lost
  await backdate([sweptTried]);
  expect(await findDeliveriesToResend()).toContain(sweptTried); // committed; the "send" step never runs
  expect(await load(sweptTried)).toMatchObject({ status: "pending", attempts: 1 });
  cases.sweepReleasedSendLost = sweptTried;

  // 7. An attempt killed with its send in flight: the row is still claimed by it.
  const e7 = await endpoint("killed-mid-send");
  const claimed = await ingest(e7.id);
  await sql(`UPDATE "Delivery" SET "nextAttemptAt" = $2::timestamp WHERE "id" = $1`, [claimed, new Date(Date.now() + 40_000).toISOString()]);
  cases.killedMidSend = claimed;

  const ids = Object.values(cases);
  for (const id of ids) expect((await load(id)).status).toBe("pending");

  // Ten minutes pass with nothing running (what the issue saw: 22 minutes, restarts, sweeps).
  await backdate(ids);
  expect(await countOverdueDeliveries()).toBeGreaterThanOrEqual(ids.length);

  // The sweeper, as its cron runs it, with the receivers back up.
  receiver.respondWith(() => ({ status: 200, body: "ok" }));
  const found = await findDeliveriesToResend();
  for (const [name, id] of Object.entries(cases)) expect(found, name).toContain(id);
  await sendDeliveries(found);

  const stuck = await waitFor(
    async () => {
      const rows = await db.delivery.findMany({ where: { id: { in: ids } } });
      return rows.every((r) => r.status === "succeeded") && rows;
    },
    30_000,
    "every delivery to succeed",
  ).catch(async () => db.delivery.findMany({ where: { id: { in: ids }, status: { not: "succeeded" } } }));
  expect(stuck.filter((r) => r.status !== "succeeded").map((r) => Object.entries(cases).find(([, id]) => id === r.id)?.[0])).toEqual([]);
  for (const [name, id] of Object.entries(cases)) {
    expect(receiver.requests.filter((r) => r.headers["webhook-id"] === id).length, name).toBeGreaterThanOrEqual(1);
  }
  expect(await countOverdueDeliveries()).toBe(0);
}, 90_000);

/** Moves these deliveries' clocks ten minutes back: their due times are long past. */
async function backdate(ids: string[]) {
  await sql(
    `UPDATE "Delivery" SET "createdAt" = "createdAt" - interval '10 minutes', "updatedAt" = "updatedAt" - interval '10 minutes', "nextAttemptAt" = "nextAttemptAt" - interval '10 minutes' WHERE "id" = ANY($1::text[])`,
    [ids],
  );
}

it("a run that gives up fails only the deliveries it still owns, not one handed to a newer run", async () => {
  const { endpoint: ep } = await createEndpoint({ orgId, environment: "test", name: "handed-over", url: `${receiver.url}/handed-over`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  const id = await ingest(ep.id); // sent (if it were) with generation null
  await backdate([id]);
  expect(await findDeliveriesToResend()).toContain(id); // re-armed: a newer run owns it now
  const gen = (await load(id)).releasedAt!.getTime();
  await markDeliveriesFailed([id], "the old run gave up", new Map([[id, null]]));
  expect((await load(id)).status).toBe("pending");
  await markDeliveriesFailed([id], "the new run gave up", new Map([[id, gen]]));
  expect(await load(id)).toMatchObject({ status: "failed", lastError: "the new run gave up" });
});
