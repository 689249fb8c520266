// The circuit breaker against a real loopback receiver, with the real delivery function on the
// embedded executor: a receiver that fails opens the circuit, deliveries are held with no attempt
// spent while it is open, one probe goes at growing intervals, and when the receiver recovers the
// first successful probe closes the circuit and everything held is delivered, nothing lost. A
// lone bad message keeps its own retry schedule; a probe whose process died is retried once its
// lease ends; an endpoint failing for the configured time is disabled with its deliveries kept.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s,1s,1s"; // 5 attempts, 1 s apart
  process.env.GATEHOUSE_CIRCUIT_FAILURES = "3";
  process.env.GATEHOUSE_CIRCUIT_PROBE_INTERVAL = "1s";
  process.env.GATEHOUSE_CIRCUIT_PROBE_MAX_INTERVAL = "4s";
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { closeCircuit, probeDelayMs, runCircuitProbes } from "@/lib/webhooks/endpoint-circuit";
import { getEndpointHealth } from "@/lib/webhooks/endpoint-health";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { createEventType } from "@/lib/webhooks/event-types";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { updateEndpoint } from "@/lib/webhooks/update-endpoint";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Circuit" } })).id;
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

/** An endpoint that gets only its own event type, `<name>.hit`. */
async function endpointAt(path: string, name: string) {
  await createEventType({ orgId, environment: "test", name: `${name}.hit`, description: name, ctx });
  const { endpoint } = await createEndpoint({
    orgId, environment: "test", name, url: `${receiver.url}${path}`, eventTypes: [`${name}.hit`], fields: ENDPOINTS_FIELDS, ctx,
  });
  return endpoint;
}

async function send(endpointName: string, n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + n; i++) {
    const r = await ingestEvent({ orgId, environment: "test", type: `${endpointName}.hit`, data: { n: i } });
    ids.push(...r.pendingDeliveryIds);
  }
  return ids;
}

const onPath = (path: string) => receiver.requests.filter((r) => r.path === path);

describe("circuit breaker", () => {
  it("opens on a failing receiver, holds without spending attempts, probes at growing intervals, and releases everything on recovery", async () => {
    let up = false;
    receiver.respondWith((req) => (req.path === "/flaky" ? (up ? { status: 200 } : { status: 500 }) : { status: 200 }));
    const ep = await endpointAt("/flaky", "flaky");
    // Two messages fail in turn: 3 failures over 2 deliveries open the circuit.
    const first = await send("flaky", 2);
    await waitFor(async () => (await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } })).circuitOpenedAt, 20_000, "the circuit to open");
    // New messages wait: held, never attempted.
    const later = await send("flaky", 5, 2);
    const all = [...first, ...later];
    await waitFor(
      async () => (await db.delivery.count({ where: { id: { in: all }, status: "held" } })) === all.length,
      20_000,
      "every delivery to be held",
    );
    const held = await db.delivery.findMany({ where: { id: { in: later } } });
    expect(held.map((d) => [d.status, d.attempts, d.heldReason])).toEqual(later.map(() => ["held", 0, expect.stringContaining("circuit open")]));
    const beforeProbes = onPath("/flaky").length;
    expect(beforeProbes).toBeGreaterThanOrEqual(3);
    expect(beforeProbes).toBeLessThanOrEqual(4); // at most one attempt was in flight when it opened

    // While the receiver is down: only probes, one at a time, each wait longer than the last.
    const probes: { id: string; at: number }[] = [];
    const deadline = Date.now() + 5_500;
    while (Date.now() < deadline) {
      const r = await runCircuitProbes();
      for (const id of r.probes) probes.push({ id, at: Date.now() });
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500)); // the last probe's answer
    const whileOpen = onPath("/flaky").slice(beforeProbes);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.length).toBeLessThanOrEqual(3); // 1 s, 2 s, 4 s apart: never one per delivery
    expect(whileOpen.map((r) => r.headers["webhook-id"])).toEqual(probes.map((p) => p.id));
    for (let i = 2; i < probes.length; i++) expect(probes[i]!.at - probes[i - 1]!.at).toBeGreaterThan(probes[i - 1]!.at - probes[i - 2]!.at);
    // The first probe is the oldest message; a failed one lets the next oldest go first next time.
    expect(probes[0]!.id).toBe(first[0]);
    expect(probes[1]!.id).toBe(first[1]);
    const open = await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(open.circuitProbes).toBe(probes.length);
    expect(await db.delivery.count({ where: { id: { in: all }, status: "held" } })).toBe(all.length);
    const health = await getEndpointHealth(open);
    expect(health).toMatchObject({ state: "failing", failing_reason: "consecutive_failures", circuit: { state: "open", probes: probes.length } });

    // The receiver recovers: the next probe closes the circuit and everything held is delivered once.
    up = true;
    await waitFor(
      async () => {
        await runCircuitProbes();
        return (await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } })).circuitOpenedAt === null;
      },
      15_000,
      "the circuit to close",
    );
    await waitFor(
      async () => (await db.delivery.count({ where: { id: { in: all }, status: "succeeded" } })) === all.length,
      20_000,
      "every delivery to succeed",
    );
    const ok = onPath("/flaky").filter((_, i) => i >= beforeProbes + whileOpen.length);
    expect(ok.map((r) => r.headers["webhook-id"]).sort()).toEqual([...all].sort()); // each exactly once, none lost
    const after = await getEndpointHealth(await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } }));
    expect(after).toMatchObject({ state: "healthy", consecutive_failures: 0, failing_since: null, circuit: { state: "closed" } });
    expect(after.last_success_at).not.toBeNull();
    const audit = await db.auditEvent.findMany({ where: { targetId: ep.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["endpoint.created", "endpoint.failing", "endpoint.recovered"]);
  }, 90_000);

  it("keeps a lone bad message on its own retry schedule (the circuit stays closed)", async () => {
    receiver.respondWith((req) => (req.path === "/picky" && req.body.includes('"bad":true') ? { status: 400 } : { status: 200 }));
    const ep = await endpointAt("/picky", "picky");
    const r = await ingestEvent({ orgId, environment: "test", type: "picky.hit", data: { bad: true } });
    const id = r.pendingDeliveryIds[0]!;
    const failed = await waitFor(async () => {
      const d = await db.delivery.findUniqueOrThrow({ where: { id } });
      return d.status === "failed" ? d : null;
    }, 30_000, "the bad message to fail");
    expect(failed.attempts).toBe(5); // its whole schedule, 3 over the circuit's threshold
    const e = await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(e.consecutiveFailures).toBe(5);
    expect(e.circuitOpenedAt).toBeNull();
    // A good message right after goes at once.
    const good = (await send("picky", 1))[0]!;
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: good } })).status === "succeeded", 10_000, "the good one");
  }, 60_000);

  it("does not leave the circuit stuck when the process sending the probe died", async () => {
    receiver.respondWith(() => ({ status: 200 }));
    const ep = await endpointAt("/revived", "revived");
    // Open the circuit by hand, then a message arrives and is held.
    await db.endpoint.update({ where: { id: ep.id }, data: { consecutiveFailures: 9, failingSince: new Date(), circuitOpenedAt: new Date(), nextProbeAt: new Date(Date.now() + 60_000) } });
    const [id] = await send("revived", 1);
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: id! } })).status === "held", 10_000, "it to be held");
    // As a process that claimed the probe and died mid-send leaves it: leased, the delivery claimed.
    const lease = new Date(Date.now() + 2_000);
    await db.endpoint.update({ where: { id: ep.id }, data: { nextProbeAt: new Date(), probeDeliveryId: id, probeLeaseUntil: lease } });
    await db.delivery.update({ where: { id: id! }, data: { status: "pending", releasedAt: new Date(), nextAttemptAt: lease } });
    expect((await runCircuitProbes()).probes).toEqual([]); // leased: no second probe meanwhile
    await new Promise((r) => setTimeout(r, lease.getTime() - Date.now() + 50));
    expect((await runCircuitProbes()).probes).toEqual([id]); // the lease ran out: probed again
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: id! } })).status === "succeeded", 10_000, "the probe to get through");
    await waitFor(async () => (await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } })).circuitOpenedAt === null, 10_000, "the circuit to close");
    expect(onPath("/revived").map((r) => r.headers["webhook-id"])).toEqual([id]);
  }, 60_000);

  it("probes at once when the owner points a failing endpoint at a new URL", async () => {
    receiver.respondWith((req) => (req.path === "/fixed" ? { status: 200 } : { status: 500 }));
    const ep = await endpointAt("/broken", "moved");
    await db.endpoint.update({ where: { id: ep.id }, data: { consecutiveFailures: 30, failingSince: new Date(), circuitOpenedAt: new Date(), circuitProbes: 6, nextProbeAt: new Date(Date.now() + 3_600_000) } });
    const ids = await send("moved", 2);
    await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "held" } })) === 2, 10_000, "them to be held");
    expect((await runCircuitProbes()).probes).toEqual([]); // the next probe is an hour away
    await updateEndpoint({ orgId, environment: "test", id: ep.id, patch: { url: `${receiver.url}/fixed` }, fields: ENDPOINTS_FIELDS, ctx });
    expect((await runCircuitProbes()).probes).toEqual([ids[0]]);
    await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === 2, 10_000, "both delivered");
    expect(onPath("/broken")).toHaveLength(0);
  }, 30_000);

  it("releases held deliveries oldest first when the circuit closes", async () => {
    const ep = await endpointAt("/ordered", "ordered");
    await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } }); // keep the engine off them
    await send("ordered", 4); // held at once: the endpoint is paused
    const ids = (await db.delivery.findMany({ where: { endpointId: ep.id, status: "held" }, orderBy: { createdAt: "asc" } })).map((d) => d.id);
    expect(ids).toHaveLength(4);
    // Created in order; shuffle their row order in the table by touching them newest first.
    for (const id of [...ids].reverse()) await db.delivery.update({ where: { id }, data: { heldReason: "x" } });
    await db.endpoint.update({ where: { id: ep.id }, data: { status: "active", circuitOpenedAt: new Date(), consecutiveFailures: 0 } });
    receiver.respondWith(() => ({ status: 200 }));
    expect(await closeCircuit(ep.id)).toEqual(ids);
    expect(await closeCircuit(ep.id)).toEqual([]); // once
  }, 30_000);

  it("disables an endpoint failing for the configured time, keeping its deliveries held for recovery", async () => {
    receiver.respondWith((req) => (req.path === "/dead" ? { status: 503 } : { status: 200 }));
    const ep = await endpointAt("/dead", "dead");
    await db.endpoint.update({ where: { id: ep.id }, data: { consecutiveFailures: 40, failingSince: new Date(Date.now() - 6 * 86_400_000), circuitOpenedAt: new Date(Date.now() - 6 * 86_400_000), nextProbeAt: new Date(Date.now() + 3_600_000) } });
    const ids = await send("dead", 3);
    await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "held" } })) === 3, 10_000, "them to be held");
    process.env.GATEHOUSE_DISABLE_FAILING_AFTER = "5d";
    const r = await runCircuitProbes();
    // The engine runs the same probes every minute (probe-circuits): at that moment it may be the
    // one that disables it, once either way (one audit entry below).
    expect(r.disabled).toBeLessThanOrEqual(1);
    const e = await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(e.status).toBe("disabled");
    expect(e.disabledReason).toBe("failing with no successful attempt for 5 days");
    expect((await getEndpointHealth(e)).state).toBe("disabled");
    expect(await db.delivery.count({ where: { id: { in: ids }, status: "held" } })).toBe(3); // nothing dropped
    const audits = await db.auditEvent.findMany({ where: { targetId: ep.id, action: "endpoint.disabled" } });
    expect(audits.map((a) => a.actorType)).toEqual(["system"]);
    expect(onPath("/dead")).toHaveLength(0);
    // The owner fixes the receiver and resumes: the kept deliveries go, in order.
    receiver.respondWith(() => ({ status: 200 }));
    await setEndpointStatus({ orgId, environment: "test", id: ep.id, status: "active", ctx });
    await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === 3, 15_000, "them to be delivered");
    expect(onPath("/dead").map((x) => x.headers["webhook-id"]).sort()).toEqual([...ids].sort());
  }, 60_000);

  it("waits longer after each failed probe, up to the maximum", () => {
    expect([0, 1, 2, 3, 4].map((k) => probeDelayMs(k))).toEqual([1000, 2000, 4000, 4000, 4000]);
  });
});
