// The circuit breaker. When an endpoint's attempts keep failing (GATEHOUSE_CIRCUIT_FAILURES in a
// row, spread over more than one delivery: one bad message failing alone keeps its own retry
// schedule), the recording statement opens its circuit (attempt-delivery.ts recordAttempts).
// While it is open, deliveries are held instead of each burning its own schedule, and one probe
// attempt goes at growing intervals (runCircuitProbes, every minute). The first successful
// attempt closes the circuit and releases the held deliveries, oldest first. An endpoint that has
// failed with no success for GATEHOUSE_DISABLE_FAILING_AFTER (default 5 days) is disabled; its
// held deliveries stay held, and resuming it releases them.
//
// All of it lives in the Endpoint row (processes agree); a probe is leased (probeLeaseUntil), so a
// process killed mid-probe only delays the next one.
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { healthConfig } from "@/lib/webhooks/endpoint-health";
import { CLOSED_CIRCUIT, releaseHeldDeliveries } from "@/lib/webhooks/set-endpoint-status";
import { sendOperatorEvents } from "@/lib/notifications/create-notification";
import { notifyEndpointDisabled, notifyEndpointFailing, notifyEndpointRecovered } from "@/lib/notifications/endpoint-notices";

const SYSTEM = { actor: { type: "system" as const, id: null, label: "Gatehouse" } };

export const CIRCUIT_HELD_REASON = "the endpoint is failing (circuit open): held until a probe attempt succeeds";

/** A probe's lease beyond the endpoint's timeout (the time to record it). */
const PROBE_LEASE_MARGIN_MS = 60_000;

/** Wait before probe number `probes` (0 = the first, after the circuit opened): doubling, capped. */
export function probeDelayMs(probes: number, cfg = healthConfig()): number {
  return Math.min(cfg.probeIntervalMs * 2 ** Math.min(probes, 30), cfg.probeMaxIntervalMs);
}

/**
 * For the delivery engine: holds a pending delivery if its endpoint's circuit is open and it is not
 * the probe, atomically with respect to a concurrent close (the endpoint row is share-locked).
 */
export async function holdDeliveryIfCircuitOpen(deliveryId: string): Promise<boolean> {
  const rows = await sql<{ id: string }>(
    `UPDATE "Delivery" d SET "status" = 'held', "heldReason" = $2, "nextAttemptAt" = NULL, "updatedAt" = $3::timestamp
     WHERE d."id" = $1 AND d."status" = 'pending'
       AND EXISTS (SELECT 1 FROM "Endpoint" e WHERE e."id" = d."endpointId" AND e."circuitOpenedAt" IS NOT NULL
         AND e."probeDeliveryId" IS DISTINCT FROM d."id" FOR SHARE)
     RETURNING d."id"`,
    [deliveryId, CIRCUIT_HELD_REASON, new Date().toISOString()],
  );
  return rows.length > 0;
}

/** A failed probe: the next one waits twice as long (up to the maximum). */
export async function probeFailed(endpointId: string, deliveryId: string, now = new Date()): Promise<void> {
  const [e] = await sql<{ circuitProbes: number }>(
    `SELECT "circuitProbes" FROM "Endpoint" WHERE "id" = $1 AND "probeDeliveryId" = $2 AND "circuitOpenedAt" IS NOT NULL`,
    [endpointId, deliveryId],
  );
  if (!e) return;
  const probes = e.circuitProbes + 1;
  await sql(
    `UPDATE "Endpoint" SET "circuitProbes" = $3, "nextProbeAt" = $4::timestamp, "probeLeaseUntil" = NULL
     WHERE "id" = $1 AND "probeDeliveryId" = $2 AND "circuitOpenedAt" IS NOT NULL`,
    [endpointId, deliveryId, probes, new Date(now.getTime() + probeDelayMs(probes)).toISOString()],
  );
}

/** The circuit opened (by the recording statement): the audit log and a notification say so. */
export async function circuitOpened(endpointId: string): Promise<void> {
  const notice = await db.$transaction(async (tx) => {
    const e = await tx.endpoint.findUnique({ where: { id: endpointId } });
    if (!e || !e.circuitOpenedAt) return null;
    await recordAuditEvent(tx, {
      orgId: e.orgId,
      environment: e.environment,
      ctx: SYSTEM,
      action: "endpoint.failing",
      target: { type: "endpoint", id: e.id, label: e.name },
      before: { circuit: "closed" },
      after: { circuit: "open", consecutive_failures: e.consecutiveFailures, failing_since: e.failingSince?.toISOString() ?? null },
    });
    return notifyEndpointFailing(tx, e, e.circuitOpenedAt);
  });
  await sendOperatorEvents([notice]);
}

/**
 * An attempt to the endpoint succeeded: closes its circuit (if open) and releases its held
 * deliveries, oldest first (if it is active; a paused one keeps them until resumed). Returns the
 * released ids; idempotent.
 */
export async function closeCircuit(endpointId: string): Promise<string[]> {
  const now = new Date();
  const { released, notice } = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpointId} FOR UPDATE`;
    const e = await tx.endpoint.findUnique({ where: { id: endpointId } });
    if (!e || !e.circuitOpenedAt) return { released: [], notice: null };
    await tx.endpoint.update({ where: { id: e.id }, data: { ...CLOSED_CIRCUIT, consecutiveFailures: 0 } });
    const ids = e.status === "active" ? await releaseHeldDeliveries(tx, e.id, now) : [];
    await recordAuditEvent(tx, {
      orgId: e.orgId,
      environment: e.environment,
      ctx: SYSTEM,
      action: "endpoint.recovered",
      target: { type: "endpoint", id: e.id, label: e.name },
      before: { circuit: "open", opened_at: e.circuitOpenedAt.toISOString(), probes: e.circuitProbes },
      after: { circuit: "closed", released_deliveries: ids.length },
    });
    return { released: ids, notice: await notifyEndpointRecovered(tx, e, e.circuitOpenedAt, ids.length, now) };
  });
  await dispatchDeliveries(released);
  await sendOperatorEvents([notice]);
  return released;
}

/** Failing with no success since `failingSince` for the configured time: disabled, deliveries kept (held). */
async function disableFailingEndpoint(endpointId: string, disableAfterMs: number, now: Date): Promise<boolean> {
  const notice = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpointId} FOR UPDATE`;
    const e = await tx.endpoint.findUnique({ where: { id: endpointId } });
    if (!e || e.status !== "active" || !e.circuitOpenedAt || !e.failingSince) return false;
    if (now.getTime() - e.failingSince.getTime() < disableAfterMs) return false;
    const days = Math.round((disableAfterMs / 86_400_000) * 10) / 10;
    const reason = `failing with no successful attempt for ${days >= 1 ? `${days} day${days === 1 ? "" : "s"}` : `${Math.round(disableAfterMs / 60_000)} minutes`}`;
    await tx.endpoint.update({
      where: { id: e.id },
      data: { status: "disabled", disabledAt: now, disabledReason: reason, nextProbeAt: null, probeDeliveryId: null, probeLeaseUntil: null },
    });
    // Nothing is dropped: what was waiting stays held for when an admin resumes the endpoint.
    const held = await tx.$executeRaw`
      UPDATE "Delivery" SET status = 'held', "heldReason" = ${"the endpoint was disabled: " + reason}, "nextAttemptAt" = NULL, "updatedAt" = ${now}
      WHERE "endpointId" = ${e.id} AND status IN ('held', 'pending')`;
    await recordAuditEvent(tx, {
      orgId: e.orgId,
      environment: e.environment,
      ctx: SYSTEM,
      action: "endpoint.disabled",
      target: { type: "endpoint", id: e.id, label: e.name },
      before: { status: e.status, failing_since: e.failingSince.toISOString() },
      after: { status: "disabled", reason, held_deliveries: held },
    });
    return (await notifyEndpointDisabled(tx, e, reason, now)) ?? "";
  });
  await sendOperatorEvents([notice || null]);
  return notice !== false;
}

/**
 * Starts a probe if the endpoint's is due and not leased: the oldest held (or pending) delivery
 * goes, except that the one that just failed a probe lets the next oldest go first (a bad message
 * cannot keep the circuit open while good ones would get through). Returns its id.
 */
async function startProbe(endpointId: string, now: Date): Promise<string | null> {
  const id = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpointId} FOR UPDATE`;
    const e = await tx.endpoint.findUnique({ where: { id: endpointId } });
    if (!e || e.status !== "active" || !e.circuitOpenedAt || !e.nextProbeAt || e.nextProbeAt > now) return null;
    if (e.probeLeaseUntil && e.probeLeaseUntil > now) return null; // a probe is in flight
    const [d] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Delivery" WHERE "endpointId" = ${e.id} AND status IN ('held', 'pending')
      ORDER BY (id = ${e.probeDeliveryId ?? ""} AND ${e.circuitProbes > 0}), "createdAt", id LIMIT 1`;
    if (!d) return null; // nothing to send: the next delivery is held and probes then
    await tx.endpoint.update({
      where: { id: e.id },
      data: { probeDeliveryId: d.id, probeLeaseUntil: new Date(now.getTime() + e.timeoutSeconds * 1000 + PROBE_LEASE_MARGIN_MS) },
    });
    // A new generation: an older run still holding it skips it; this one is the probe.
    await tx.$executeRaw`
      UPDATE "Delivery" SET status = 'pending', "heldReason" = NULL, "releasedAt" = ${now}, "nextAttemptAt" = ${now}, "updatedAt" = ${now}
      WHERE id = ${d.id}`;
    return d.id;
  });
  if (id) await dispatchDeliveries([id]);
  return id;
}

/**
 * The circuit breaker's clock (every minute, and in tests on demand): closes circuits whose
 * endpoint had a success recorded meanwhile, disables endpoints failing for too long, and starts
 * the probes that are due. Bounded per call.
 */
export async function runCircuitProbes(now = new Date(), limit = 100) {
  const cfg = healthConfig();
  const at = now.toISOString();
  const recovered = await sql<{ id: string }>(
    `SELECT "id" FROM "Endpoint" WHERE "circuitOpenedAt" IS NOT NULL AND "failingSince" IS NULL LIMIT $1`,
    [limit],
  );
  for (const r of recovered) await closeCircuit(r.id);
  const failing = await sql<{ id: string }>(
    `SELECT "id" FROM "Endpoint" WHERE "status" = 'active' AND "circuitOpenedAt" IS NOT NULL AND "failingSince" <= $1::timestamp LIMIT $2`,
    [new Date(now.getTime() - cfg.disableAfterMs).toISOString(), limit],
  );
  let disabled = 0;
  for (const r of failing) if (await disableFailingEndpoint(r.id, cfg.disableAfterMs, now)) disabled++;
  const due = await sql<{ id: string }>(
    `SELECT "id" FROM "Endpoint" WHERE "nextProbeAt" <= $1::timestamp AND "circuitOpenedAt" IS NOT NULL AND "status" = 'active'
       AND ("probeLeaseUntil" IS NULL OR "probeLeaseUntil" <= $1::timestamp)
     ORDER BY "nextProbeAt" LIMIT $2`,
    [at, limit],
  );
  const probes: string[] = [];
  for (const r of due) {
    const id = await startProbe(r.id, now);
    if (id) probes.push(id);
  }
  return { recovered: recovered.length, disabled, probes };
}
