// Deliveries failed in bulk notify exactly as one failing on its last retry does: the delivery
// function giving up on a run (markDeliveriesFailed, its onFailure) and deliveries failed without
// an attempt because their endpoint is disabled (attemptDeliveries) each count on the endpoint's
// `delivery.failed` notification, and the window's first one sends the one
// `gatehouse.delivery.failed` operator event of the hour (debounced: more failures only count).
// No executor runs here: the operator endpoint is paused, so its events' deliveries are held.
import { expect, it } from "vitest";
import { attemptDeliveries, markDeliveriesFailed } from "@/lib/deliveries/attempt-delivery";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };

async function setUp(name: string) {
  const orgId = (await db.organization.create({ data: { name } })).id;
  const make = (n: string, operator: boolean) =>
    createEndpoint({
      orgId, environment: "test", name: n, url: `https://${n}.example/hook`, eventTypes: operator ? [] : ["run.completed"],
      operatorEvents: operator, fields: ENDPOINTS_FIELDS, ctx, active: false,
    }).then((r) => r.endpoint);
  const operator = await make(`${name}-operator`, true);
  const down = await make(`${name}-down`, false);
  /** n deliveries to `down`, pending as a run would have them. */
  const pending = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { event } = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i } });
      ids.push((await db.delivery.findFirstOrThrow({ where: { eventId: event.id, endpointId: down.id } })).id);
    }
    await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "pending", heldReason: null } });
    return ids;
  };
  const notices = () => db.notification.findMany({ where: { orgId, kind: "delivery.failed" } });
  const operatorEvents = () => db.event.findMany({ where: { orgId, type: "gatehouse.delivery.failed" } });
  return { orgId, operator, down, pending, notices, operatorEvents };
}

it("a run that gives up (markDeliveriesFailed) notifies: one notification counting each, one operator event per window", async () => {
  const s = await setUp("GaveUp");
  const first = await s.pending(3);
  await markDeliveriesFailed(first, "the delivery function gave up");
  let [notice] = await s.notices();
  expect(notice).toMatchObject({ count: 3, targetId: s.down.id, eventPending: false });
  let events = await s.operatorEvents();
  expect(events).toHaveLength(1);
  expect(notice!.eventId).toBe(events[0]!.id);
  expect(events[0]!.payload).toMatchObject({ endpoint: { id: s.down.id }, failed_deliveries: 1, delivery_id: first[0], last_error: "the delivery function gave up" });
  // The operator endpoint got it (held while paused, like any delivery of the event).
  expect(await db.delivery.count({ where: { eventId: events[0]!.id, endpointId: s.operator.id } })).toBe(1);

  // More in the same hour only count; one already failed (or not pending) is not counted twice.
  const more = await s.pending(2);
  await markDeliveriesFailed([...more, first[0]!], "the delivery function gave up");
  [notice] = await s.notices();
  expect(notice!.count).toBe(5);
  events = await s.operatorEvents();
  expect(events).toHaveLength(1);
});

it("deliveries failed without an attempt (their endpoint is disabled) count the same way", async () => {
  const s = await setUp("Disabled");
  const ids = await s.pending(2);
  await db.endpoint.update({ where: { id: s.down.id }, data: { status: "disabled", disabledAt: new Date(), disabledReason: "by an admin" } });
  const outcomes = await attemptDeliveries({ deliveryIds: ids, attempt: 1 });
  expect(outcomes.map((o) => o.kind)).toEqual(["failed", "failed"]);
  expect(await db.delivery.count({ where: { id: { in: ids }, status: "failed" } })).toBe(2);
  const [notice] = await s.notices();
  expect(notice).toMatchObject({ count: 2, targetId: s.down.id });
  expect(await s.operatorEvents()).toHaveLength(1);
});
