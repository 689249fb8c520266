// Notifications and operator webhooks against real loopback receivers, with the real delivery
// function on the embedded executor: a failing receiver opens its endpoint's circuit, a
// notification is written and the org's operator endpoint receives a signed
// `gatehouse.endpoint.failing` (checked with the standardwebhooks package), while a catch-all
// endpoint receives no `gatehouse.*` event at all; recovery sends `gatehouse.endpoint.recovered`;
// many deliveries failing for good make one `gatehouse.delivery.failed` per hour, with counts; a
// failing operator endpoint cannot feed itself events about its own failures; a credential
// expiring in 6 days gets one `gatehouse.credential.expiring`, not repeated by a second run.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts, 1 s apart
  process.env.GATEHOUSE_CIRCUIT_FAILURES = "3";
  process.env.GATEHOUSE_CIRCUIT_PROBE_INTERVAL = "1s";
  process.env.GATEHOUSE_CIRCUIT_PROBE_MAX_INTERVAL = "2s";
});

import { Webhook } from "standardwebhooks";
import { startReceiver, type Receiver, type Recorded } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { runCredentialExpiryReminders } from "@/lib/notifications/credential-reminders";
import { createNotification, sendOperatorEvents, sendPendingOperatorEvents } from "@/lib/notifications/create-notification";
import { setEventTypeArchived } from "@/lib/webhooks/event-types";
import { DELIVERY_FAILED_WINDOW_MS, noteDeliveryFailed } from "@/lib/notifications/delivery-failed";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { runCircuitProbes } from "@/lib/webhooks/endpoint-circuit";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { createEventType, listEventTypes } from "@/lib/webhooks/event-types";
import { createEventSchema, testEventSchema } from "@/lib/validations/events";
import { createEventTypeSchema } from "@/lib/validations/webhooks";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const newOrg = async (name: string) => (await db.organization.create({ data: { name } })).id;

async function endpoint(orgId: string, path: string, opts: { eventTypes?: string[]; operator?: boolean } = {}) {
  return createEndpoint({
    orgId,
    environment: "test",
    name: path.slice(1),
    url: `${receiver.url}${path}`,
    eventTypes: opts.eventTypes ?? [],
    operatorEvents: opts.operator ?? false,
    fields: ENDPOINTS_FIELDS,
    ctx,
  });
}

const onPath = (path: string) => receiver.requests.filter((r) => r.path === path);
const typeOf = (r: Recorded) => (JSON.parse(r.body) as { type: string }).type;
const gatehouseOn = (path: string, type?: string) => onPath(path).filter((r) => typeOf(r).startsWith("gatehouse.") && (!type || typeOf(r) === type));

/** The request's signature checked as a receiver would, with the standardwebhooks package. */
function verified(secret: string, r: Recorded) {
  return new Webhook(secret).verify(r.body, {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  }) as { type: string; data: Record<string, unknown> };
}

describe("operator webhooks", () => {
  it("a failing endpoint's circuit opens: notification + signed gatehouse.endpoint.failing to the operator endpoint only; recovery: gatehouse.endpoint.recovered", async () => {
    const orgId = await newOrg("Ops");
    let up = false;
    receiver.respondWith((req) => (req.path === "/flaky" ? (up ? { status: 200 } : { status: 500 }) : { status: 200 }));
    await createEventType({ orgId, environment: "test", name: "flaky.hit", description: "flaky", ctx });
    const flaky = (await endpoint(orgId, "/flaky", { eventTypes: ["flaky.hit"] })).endpoint;
    const ops = await endpoint(orgId, "/ops", { eventTypes: ["webhook.test"], operator: true });
    await endpoint(orgId, "/catch-all"); // no filter: every ordinary event, never Gatehouse's own
    const explicit = await endpoint(orgId, "/explicit", { eventTypes: ["gatehouse.endpoint.recovered"] });

    for (let i = 0; i < 3; i++) await ingestEvent({ orgId, environment: "test", type: "flaky.hit", data: { n: i } });
    await waitFor(async () => (await db.endpoint.findUniqueOrThrow({ where: { id: flaky.id } })).circuitOpenedAt, 20_000, "the circuit to open");
    const failing = await waitFor(async () => gatehouseOn("/ops", "gatehouse.endpoint.failing")[0], 15_000, "gatehouse.endpoint.failing at /ops");
    const msg = verified(ops.secret, failing);
    expect(msg.type).toBe("gatehouse.endpoint.failing");
    expect(msg.data).toMatchObject({ endpoint: { id: flaky.id, name: "flaky", url: `${receiver.url}/flaky` }, consecutive_failures: expect.any(Number) });
    expect(() => verified(explicit.secret, failing)).toThrow(); // signed with the operator endpoint's own secret
    const notes = await db.notification.findMany({ where: { orgId, kind: "endpoint.failing" } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ environment: "test", targetId: flaky.id, link: `/settings/organization/webhooks/endpoints/${flaky.id}` });
    expect(notes[0]!.title).toContain("flaky");

    up = true;
    await waitFor(
      async () => {
        await runCircuitProbes();
        return (await db.endpoint.findUniqueOrThrow({ where: { id: flaky.id } })).circuitOpenedAt === null;
      },
      20_000,
      "the circuit to close",
    );
    const recovered = await waitFor(async () => gatehouseOn("/ops", "gatehouse.endpoint.recovered")[0], 15_000, "gatehouse.endpoint.recovered at /ops");
    expect(verified(ops.secret, recovered).data).toMatchObject({ endpoint: { id: flaky.id }, released_deliveries: expect.any(Number) });
    // An endpoint that subscribed to it by name gets it, signed with its own secret; nothing else of Gatehouse's.
    const toExplicit = await waitFor(async () => gatehouseOn("/explicit")[0], 15_000, "gatehouse.endpoint.recovered at /explicit");
    expect(verified(explicit.secret, toExplicit).type).toBe("gatehouse.endpoint.recovered");
    expect(gatehouseOn("/explicit").map(typeOf)).toEqual(["gatehouse.endpoint.recovered"]);
    expect(await db.notification.count({ where: { orgId, kind: "endpoint.recovered" } })).toBe(1);

    // The catch-all got the ordinary events and not one of Gatehouse's own.
    await new Promise((r) => setTimeout(r, 500));
    expect(onPath("/catch-all").map(typeOf)).toEqual(["flaky.hit", "flaky.hit", "flaky.hit"]);
    expect(gatehouseOn("/ops", "gatehouse.endpoint.failing")).toHaveLength(1);
  }, 90_000);

  it("many deliveries failing for good: one gatehouse.delivery.failed per endpoint per hour, counting every failure", async () => {
    process.env.GATEHOUSE_CIRCUIT_FAILURES = "1000"; // isolated failures: the circuit stays closed
    try {
      const orgId = await newOrg("Debounce");
      receiver.respondWith((req) => (req.path === "/down" ? { status: 500 } : { status: 200 }));
      await createEventType({ orgId, environment: "test", name: "down.hit", description: "down", ctx });
      const down = (await endpoint(orgId, "/down", { eventTypes: ["down.hit"] })).endpoint;
      const ops = await endpoint(orgId, "/ops-debounce", { eventTypes: ["webhook.test"], operator: true });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(...(await ingestEvent({ orgId, environment: "test", type: "down.hit", data: { n: i } })).pendingDeliveryIds);
      await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "failed" } })) === 6, 30_000, "6 deliveries to fail for good");
      const note = await waitFor(async () => {
        const n = await db.notification.findFirst({ where: { orgId, kind: "delivery.failed" } });
        return n?.count === 6 ? n : null;
      }, 10_000, "the notification to count 6");
      expect(note.title).toBe('6 deliveries to "down" failed for good in the last hour');
      const first = await waitFor(async () => gatehouseOn("/ops-debounce", "gatehouse.delivery.failed")[0], 15_000, "gatehouse.delivery.failed");
      await new Promise((r) => setTimeout(r, 1_000));
      expect(gatehouseOn("/ops-debounce", "gatehouse.delivery.failed")).toHaveLength(1); // not six
      expect(verified(ops.secret, first).data).toMatchObject({ endpoint: { id: down.id }, failed_deliveries: 1, event_type: "down.hit" });
      expect(await db.notification.count({ where: { orgId, kind: "delivery.failed" } })).toBe(1);

      // An hour later the next failure opens a new window: its event counts the 5 failures the
      // first one did not report, plus itself.
      const later = new Date(note.createdAt.getTime() + DELIVERY_FAILED_WINDOW_MS + 1_000);
      const d = await db.delivery.findFirstOrThrow({ where: { id: ids[0] } });
      const r = await noteDeliveryFailed(
        { endpoint: down, deliveryId: d.id, eventId: d.eventId, eventType: "down.hit", error: "HTTP 500" },
        later,
      );
      expect(r?.opened).toBe(true);
      const second = await waitFor(async () => gatehouseOn("/ops-debounce", "gatehouse.delivery.failed")[1], 15_000, "the second hour's event");
      expect(verified(ops.secret, second).data).toMatchObject({ failed_deliveries: 6, window_started_at: later.toISOString() });
      expect(await db.notification.count({ where: { orgId, kind: "delivery.failed" } })).toBe(2);
    } finally {
      process.env.GATEHOUSE_CIRCUIT_FAILURES = "3";
    }
  }, 90_000);

  it("a failing operator endpoint gets no gatehouse.delivery.failed about its own gatehouse.* deliveries (no loop)", async () => {
    process.env.GATEHOUSE_CIRCUIT_FAILURES = "1000";
    try {
      const orgId = await newOrg("Loop");
      receiver.respondWith((req) => (req.path === "/ops-down" || req.path === "/bad" ? { status: 500 } : { status: 200 }));
      await createEventType({ orgId, environment: "test", name: "bad.hit", description: "bad", ctx });
      const bad = (await endpoint(orgId, "/bad", { eventTypes: ["bad.hit"] })).endpoint;
      const opsDown = (await endpoint(orgId, "/ops-down", { eventTypes: ["webhook.test"], operator: true })).endpoint;
      await ingestEvent({ orgId, environment: "test", type: "bad.hit", data: {} });
      // /bad fails for good → gatehouse.delivery.failed to /ops-down, which fails for good too.
      await waitFor(
        async () => (await db.delivery.count({ where: { endpointId: opsDown.id, status: "failed" } })) === 1,
        30_000,
        "the operator delivery to fail for good",
      );
      await new Promise((r) => setTimeout(r, 2_500)); // room for any event a loop would send
      const events = await db.event.findMany({ where: { orgId, type: { startsWith: "gatehouse." } } });
      expect(events.map((e) => [e.type, (e.payload as { endpoint: { id: string } }).endpoint.id])).toEqual([["gatehouse.delivery.failed", bad.id]]);
      expect(gatehouseOn("/ops-down")).toHaveLength(2); // one delivery, two attempts; never another event
      // The console still says so, on a notification that is never sent as an event.
      const own = await db.notification.findMany({ where: { orgId, targetId: opsDown.id } });
      expect(own.map((n) => [n.kind, n.eventPending, n.eventId])).toEqual([["delivery.failed", false, null]]);
      expect(own[0]!.title).toContain("Gatehouse operator event");
    } finally {
      process.env.GATEHOUSE_CIRCUIT_FAILURES = "3";
    }
  }, 90_000);

  it("a credential expiring in 6 days: one gatehouse.credential.expiring, not repeated by a second cron run", async () => {
    const orgId = await newOrg("Expiry");
    receiver.respondWith(() => ({ status: 200 }));
    const ops = await endpoint(orgId, "/ops-expiry", { eventTypes: ["webhook.test"], operator: true });
    const { credential } = await createCredential({
      orgId, environment: "test", name: "billing-sync", scopes: ["events:write"], expiresAt: new Date(Date.now() + 6 * 86400_000),
      tokenLifetimeSeconds: 3600, createdById: null, ctx: { ...ctx, ip: null, userAgent: null },
    });
    await createCredential({
      orgId, environment: "test", name: "far-off", scopes: ["events:write"], expiresAt: new Date(Date.now() + 60 * 86400_000),
      tokenLifetimeSeconds: 3600, createdById: null, ctx: { ...ctx, ip: null, userAgent: null },
    });
    await runCredentialExpiryReminders();
    await runCredentialExpiryReminders();
    const got = await waitFor(async () => gatehouseOn("/ops-expiry")[0], 15_000, "gatehouse.credential.expiring");
    expect(verified(ops.secret, got)).toMatchObject({
      type: "gatehouse.credential.expiring",
      data: { credential: { id: credential.id, name: "billing-sync", client_id: credential.clientId }, within_days: 7 },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(gatehouseOn("/ops-expiry")).toHaveLength(1);
    const notes = await db.notification.findMany({ where: { orgId, kind: "credential.expiring" } });
    expect(notes.map((n) => [n.targetId, n.title])).toEqual([[credential.id, 'Credential "billing-sync" expires in 6 days']]);
    // A day before expiry the next threshold is reached: one more, and only one.
    const dayBefore = new Date(credential.expiresAt!.getTime() - 12 * 3600_000);
    await runCredentialExpiryReminders(dayBefore);
    await runCredentialExpiryReminders(dayBefore);
    expect(await db.notification.count({ where: { orgId, kind: "credential.expiring" } })).toBe(2);
    await waitFor(async () => gatehouseOn("/ops-expiry").length === 2, 15_000, "the 1-day reminder");
  }, 60_000);

  it("an operator event left unsent (process died after commit) is sent once by the sweeper; an archived type sends none", async () => {
    const orgId = await newOrg("Sweeper");
    receiver.respondWith(() => ({ status: 200 }));
    const ops = await endpoint(orgId, "/ops-sweep", { eventTypes: ["webhook.test"], operator: true });
    const write = (key: string) =>
      db.$transaction((tx) =>
        createNotification(tx, {
          orgId, environment: "test", kind: "endpoint.disabled", title: "t", body: "b", link: null, target: { type: "endpoint", id: "ep_gone" },
          dedupeKey: key, data: { endpoint: { id: "ep_gone", name: "gone", url: "https://example.com" }, reason: "test", disabled_at: new Date().toISOString() },
        }),
      );
    const id = await write("sweep:1");
    expect(await write("sweep:1")).toBeNull(); // the same key: written once
    expect(await sendPendingOperatorEvents(new Date())).toBe(0); // too recent: its own process may still send it
    const later = new Date(Date.now() + 120_000);
    expect(await sendPendingOperatorEvents(later)).toBe(1);
    expect(await sendPendingOperatorEvents(later)).toBe(0);
    const got = await waitFor(async () => gatehouseOn("/ops-sweep")[0], 15_000, "the swept event");
    expect(verified(ops.secret, got).type).toBe("gatehouse.endpoint.disabled");
    expect((await db.notification.findUniqueOrThrow({ where: { id: id! } })).eventId).toBe(JSON.parse(got.body).id);

    // The org archived the type: it does not want these events; the row stops waiting.
    await setEventTypeArchived({ orgId, environment: "test", name: "gatehouse.endpoint.disabled", archived: true, ctx });
    const id2 = await write("sweep:2");
    await sendPendingOperatorEvents(later);
    expect(await db.notification.findUniqueOrThrow({ where: { id: id2! } })).toMatchObject({ eventPending: false, eventId: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(gatehouseOn("/ops-sweep")).toHaveLength(1);
  }, 60_000);

  it("gatehouse.* types are in every catalog with schemas, and reserved: clients cannot create or send them", async () => {
    const orgId = await newOrg("Catalog");
    const types = await listEventTypes({ orgId, environment: "live", archived: "false", limit: 100 });
    const own = types.filter((t) => t.name.startsWith("gatehouse."));
    expect(own.map((t) => t.name).sort()).toEqual([
      "gatehouse.credential.expiring",
      "gatehouse.delivery.failed",
      "gatehouse.endpoint.disabled",
      "gatehouse.endpoint.failing",
      "gatehouse.endpoint.recovered",
    ]);
    expect(own.every((t) => t.schema && typeof t.schema === "object")).toBe(true);
    expect(types.map((t) => t.name)).toContain("webhook.test"); // the defaults still come with them
    expect(createEventSchema.safeParse({ type: "gatehouse.endpoint.failing", data: {} }).success).toBe(false);
    expect(createEventTypeSchema.safeParse({ name: "gatehouse.mine", description: "x" }).success).toBe(false);
    expect(testEventSchema.safeParse({ type: "gatehouse.endpoint.failing", data: {} }).success).toBe(true);
    // Nobody listens (no operator endpoint, no subscriber): the notification, and no event.
    const lonely = await db.$transaction((tx) =>
      createNotification(tx, {
        orgId, environment: "live", kind: "credential.expiring", title: "t", body: "b", link: null, target: { type: "credential", id: "c" },
        dedupeKey: "lonely", data: { credential: { id: "c", name: "c", client_id: "x" }, expires_at: new Date().toISOString(), within_days: 7 },
      }),
    );
    await sendOperatorEvents([lonely]);
    expect(await db.notification.findUniqueOrThrow({ where: { id: lonely! } })).toMatchObject({ eventPending: false, eventId: null });
    expect(await db.event.count({ where: { orgId } })).toBe(0);
    // An operator event whose data breaks its schema is refused like any other.
    await expect(ingestEvent({ orgId, environment: "live", type: "gatehouse.credential.expiring", data: { within_days: 3 } })).rejects.toThrow();
  });
});
