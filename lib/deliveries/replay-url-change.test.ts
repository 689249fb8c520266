// Deliveries-under-stress finding 13: a replay went to the endpoint's current URL with no word
// that it had changed since the original. Each attempt now records where it was sent, and a
// replay says which URL the original went to when that is not where the replay goes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { updateEndpoint } from "@/lib/webhooks/update-endpoint";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  receiver.respondWith((req) => ({ status: req.path === "/old" ? 500 : 204 }));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

it("records each attempt's URL, and a replay after a URL change says where the original went", async () => {
  const orgId = (await db.organization.create({ data: { name: "Moved" } })).id;
  const scope = { orgId, environment: "test" as const };
  const { endpoint } = await createEndpoint({ ...scope, name: "moving", url: `${receiver.url}/old`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  await ingestEvent({ ...scope, type: "run.completed", data: { n: 1 } });
  const failed = await waitFor(() => db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "failed" } }), 30_000, "the delivery to fail");
  const original = await getDelivery({ ...scope, id: failed.id });
  expect(original.attempt_log.map((a) => a.url)).toEqual([`${receiver.url}/old`, `${receiver.url}/old`]);

  await updateEndpoint({ ...scope, id: endpoint.id, patch: { url: `${receiver.url}/new` }, fields: ENDPOINTS_FIELDS, ctx });
  const replay = await replayDelivery({ ...scope, id: failed.id, ctx });
  expect(replay.urlChangedFrom).toBe(`${receiver.url}/old`);
  expect(replay.id).toBe(failed.id);
  const done = await waitFor(() => db.delivery.findFirst({ where: { id: replay.id, status: "succeeded" } }), 30_000, "the replay to succeed");
  expect((await getDelivery({ ...scope, id: done.id })).attempt_log.map((a) => a.url)).toEqual([`${receiver.url}/old`, `${receiver.url}/old`, `${receiver.url}/new`]);
  const audit = await db.auditEvent.findFirst({ where: { action: "delivery.replayed", targetId: failed.id } });
  expect(audit?.after).toMatchObject({ url: `${receiver.url}/new`, previous_url: `${receiver.url}/old` });

  // Replaying it again (its last attempt went to the current URL) says nothing changed.
  await db.delivery.update({ where: { id: replay.id }, data: { status: "failed" } });
  expect((await replayDelivery({ ...scope, id: replay.id, ctx })).urlChangedFrom).toBeNull();
}, 90_000);
