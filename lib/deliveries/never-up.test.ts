// A receiver that is never up: every attempt on the (shrunk) schedule is refused, the delivery
// ends failed as the console shows it (getDelivery / listDeliveries), and once a receiver comes
// up on that port a replay (another attempt of the same delivery) succeeds. Real function, real executor.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s,1s"; // 4 attempts, 1 s apart
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { getDelivery, listDeliveries } from "@/lib/deliveries/get-deliveries";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver | undefined;
let orgId: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Never up" } })).id;
  stack = await startDeliveryEngine();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("a receiver that is never up", () => {
  it("gets every attempt refused, ends failed, and a replay succeeds once a receiver is up", async () => {
    const port = await closedPort();
    const { endpoint } = await createEndpoint({
      orgId, environment: "test", name: "never up", url: `http://127.0.0.1:${port}/hooks`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
    });
    const { pendingDeliveryIds } = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { order: 42 } });
    const id = pendingDeliveryIds[0]!;

    const failed = await waitFor(
      async () => {
        const d = await getDelivery({ orgId, environment: "test", id });
        return d.status === "failed" ? d : null;
      },
      60_000,
      "the delivery to fail",
    );
    expect(failed).toMatchObject({ status: "failed", attempts: 4, last_response_status: null, last_error: "connection refused", next_attempt_at: null });
    expect(failed.completed_at).not.toBeNull();
    expect(failed.attempt_log.map((a) => [a.number, a.response_status, a.error])).toEqual([
      [1, null, "connection refused"],
      [2, null, "connection refused"],
      [3, null, "connection refused"],
      [4, null, "connection refused"],
    ]);
    // On the schedule: each retry at least 1 s after the one before.
    const times = failed.attempt_log.map((a) => Date.parse(a.created_at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);
    // The console's list of failed deliveries shows it.
    const listed = await listDeliveries({ orgId, environment: "test", status: "failed", limit: 50 });
    expect(listed.map((d) => d.id)).toContain(id);
    // The run gave up for good: nothing left waiting to try again.
    await waitFor(async () => (await db.engineRun.count({ where: { functionId: { endsWith: "deliver-webhook" }, status: { in: ["queued", "running"] } } })) === 0, 30_000, "the run to end");
    expect((await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).consecutiveFailures).toBe(4);

    // The receiver comes up on that very port; a replay goes through.
    receiver = await startReceiver({ port });
    receiver.respondWith(() => ({ status: 200, body: "thanks" }));
    const replay = await replayDelivery({ orgId, environment: "test", id, ctx });
    expect(replay).toMatchObject({ id, status: "pending" }); // the same delivery, a new attempt
    const done = await waitFor(
      async () => {
        const d = await getDelivery({ orgId, environment: "test", id });
        return d.status === "succeeded" ? d : null;
      },
      30_000,
      "the replay to succeed",
    );
    expect(done).toMatchObject({ replay_of: null, attempts: 5, last_response_status: 200, last_error: null, replay_requested_at: null });
    expect(done.attempt_log).toHaveLength(5);
    expect(done.attempt_log[4]).toMatchObject({ number: 5, response_status: 200, response_body: "thanks", error: null, replayed_by: "test (system)" });
    expect(done.attempt_log[4]!.replayed_at).not.toBeNull();
    expect(done.attempt_log.slice(0, 4).every((a) => a.replayed_at === null)).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.path).toBe("/hooks");
    expect(receiver.requests[0]!.headers["webhook-id"]).toBe(id);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ type: "run.completed", data: { order: 42 } });
    // The Failed view no longer lists it; the endpoint is healthy again.
    expect((await listDeliveries({ orgId, environment: "test", status: "failed", limit: 50 })).map((d) => d.id)).not.toContain(id);
    expect((await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).consecutiveFailures).toBe(0);
  });
});
