// The deliveries' process state lives in the runtime (lib/runtime/runtime.ts), so every copy of
// lib/deliveries in the process (Next.js's bundle beside the lean layer's graph) shares it: a pause
// through the API's copy cancels the sends of the serve handler's copy, and both send through the
// same slots, agents and batched statements.
import { describe, expect, it, vi } from "vitest";

describe("lib/deliveries' state in the runtime", () => {
  it("is one table of sends in flight for every copy of the modules", async () => {
    const first = await import("@/lib/deliveries/in-flight-sends");
    const { runtime } = await import("@/lib/runtime/runtime");
    vi.resetModules(); // a second module graph
    const second = await import("@/lib/deliveries/in-flight-sends");
    expect(second).not.toBe(first);
    const a = first.trackSend("ep_shared");
    const b = second.trackSend("ep_shared");
    expect(runtime().deliveries.inFlight.get("ep_shared")?.size).toBe(2);
    // Cancelled through the other copy: both.
    expect(second.abortEndpointSends("ep_shared", "paused")).toBe(2);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(true);
    a.done();
    b.done();
    expect(runtime().deliveries.inFlight.has("ep_shared")).toBe(false);
    expect(runtime().deliveries.scope).toBe("per-process");
    expect(runtime().shared.endpointThrottle.table).toBe("EndpointThrottle");
  });

  it("a cancel reaches the batch's sends registered before it, and not those after (one shared signal per endpoint)", async () => {
    const { startReceiver } = await import("@/e2e/receiver");
    const { db } = await import("@/lib/db/client");
    const { ingestEvent } = await import("@/lib/events/ingest-event");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const { attemptDeliveries } = await import("@/lib/deliveries/attempt-delivery");
    const { abortEndpointSends } = await import("@/lib/deliveries/in-flight-sends");
    const { runtime } = await import("@/lib/runtime/runtime");
    const receiver = await startReceiver();
    try {
      // The first two requests hang (until cancelled); the rest are answered at once.
      receiver.respondWith((_req, i) => (i < 2 ? { status: 200, delayMs: 60_000 } : { status: 200 }));
      const orgId = (await db.organization.create({ data: { name: "Shared send signal" } })).id;
      const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
      const { endpoint: ep } = await createEndpoint({ orgId, environment: "test", name: "r", url: `${receiver.url}/hook`, eventTypes: ["run.completed"], headers: {}, fields: ENDPOINTS_FIELDS, ctx, maxInFlight: 2 });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, dispatch: false, onlyEndpointId: ep.id });
        ids.push(r.pendingDeliveryIds[0]!);
      }
      const batch = attemptDeliveries({ deliveryIds: ids, attempt: 0 });
      await receiver.waitFor(2, 30_000); // both slots taken by hanging sends; four wait for a slot, registered too
      expect(abortEndpointSends(ep.id, "test cancel")).toBeGreaterThan(0);
      const outcomes = await batch;
      // The two in flight were cancelled (to be retried); the four the batch's two workers took up
      // after the cancel were registered after it, so they were sent (not cancelled by the spent signal).
      expect(outcomes.map((o) => o.kind)).toEqual(["retry", "retry", "succeeded", "succeeded", "succeeded", "succeeded"]);
      expect(receiver.requests.length).toBe(6);
      expect(runtime().deliveries.inFlight.has(ep.id)).toBe(false);
      expect(runtime().deliveries.slots.has(ep.id)).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it("leaves nothing behind after a batch: slots, in-flight table (agents stay, bounded)", async () => {
    const { attemptDeliveries } = await import("@/lib/deliveries/attempt-delivery");
    const { runtime } = await import("@/lib/runtime/runtime");
    // Nothing to send: no slots taken, nothing tracked.
    expect(await attemptDeliveries({ deliveryIds: ["msg_does_not_exist"], attempt: 0 })).toEqual([
      { kind: "skipped", reason: "delivery no longer exists (endpoint deleted)" },
    ]);
    expect(runtime().deliveries.slots.size).toBe(0);
    expect(runtime().deliveries.inFlight.size).toBe(0);
  }, 120_000);
});
