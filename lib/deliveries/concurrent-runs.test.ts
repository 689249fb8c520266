// Claims are shared across runs: the claims of every run in the process go to the database
// together (one statement). Two runs holding the same deliveries at once (an executor that
// retried a call while the first still runs, a sweeper's re-dispatch) must still send each one
// once: when both ask for one delivery in the same statement, only the first gets it.
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
  orgId = (await db.organization.create({ data: { name: "Concurrent runs" } })).id;
}, 60_000);
afterAll(async () => {
  await receiver?.close();
});

it("three runs with the same 40 deliveries at once send each delivery once, with one attempt", async () => {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "race", url: `${receiver.url}/race`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  // Held while paused (no engine runs here, nothing else sends them), then pending and due.
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push(...(await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id })).heldDeliveryIds);
  expect(ids).toHaveLength(40);
  await db.endpoint.update({ where: { id: endpoint.id }, data: { status: "active" } });
  await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "pending", nextAttemptAt: null } });
  receiver.respondWith(() => ({ status: 200, delayMs: 20 }));

  const runs = await Promise.all([0, 1, 2].map(() => attemptDeliveries({ deliveryIds: ids, attempt: 0 })));

  const sent = receiver.requests.filter((r) => r.path === "/race").map((r) => String(r.headers["webhook-id"]));
  expect(sent).toHaveLength(40);
  expect(new Set(sent).size).toBe(40);
  // Each delivery succeeded in exactly one run; the others learned it was taken.
  for (let i = 0; i < ids.length; i++) expect(runs.filter((outcomes) => outcomes[i]!.kind === "succeeded")).toHaveLength(1);
  const attempts = await db.deliveryAttempt.groupBy({ by: ["deliveryId"], where: { deliveryId: { in: ids } }, _count: true });
  expect(attempts.map((a) => a._count)).toEqual(ids.map(() => 1));
  expect(await db.delivery.count({ where: { id: { in: ids }, status: "succeeded", attempts: 1 } })).toBe(40);
});
