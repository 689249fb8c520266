// Pause and resume. A paused endpoint's deliveries are held, not dropped; resuming releases them
// (oldest first) to the delivery engine. The endpoint row is locked while its status changes, and
// event ingestion and holdDeliveryIfEndpointPaused take a share lock on it, so a delivery can
// never be held after the resume that should have released it.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db, type Tx } from "@/lib/db/client";
import type { Endpoint, Environment } from "@/lib/generated/prisma/client";
import { abortEndpointSends } from "@/lib/deliveries/in-flight-sends";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { lockEndpoint } from "@/lib/webhooks/get-endpoints";

type Scoped = { orgId: string; environment: Environment };

/**
 * Inside the caller's transaction, on an endpoint it has locked (lockEndpoint): sets the status,
 * writes endpoint.paused / endpoint.resumed, and on resume turns its held deliveries pending,
 * due now (if the dispatch after commit is lost, the sweeper finds them overdue and re-sends).
 * Returns the released delivery ids, oldest first; the caller dispatches them after commit.
 */
export async function applyEndpointStatus(
  tx: Tx,
  endpoint: Endpoint,
  status: "active" | "paused",
  opts: Scoped & { ctx: AuditContext },
): Promise<{ endpoint: Endpoint; releasedDeliveryIds: string[] }> {
  if (endpoint.status === status) return { endpoint, releasedDeliveryIds: [] };
  const now = new Date();
  const updated = await tx.endpoint.update({
    where: { id: endpoint.id },
    data:
      status === "paused"
        ? { status, pausedAt: now }
        : // Resuming also re-enables an endpoint Gatehouse disabled (e.g. after 410 Gone).
          // An admin's resume also closes an open circuit: the held deliveries go now.
          { status, pausedAt: null, disabledAt: null, disabledReason: null, consecutiveFailures: 0, ...CLOSED_CIRCUIT },
  });
  const releasedDeliveryIds = status === "active" ? await releaseHeldDeliveries(tx, endpoint.id, now) : [];
  await recordAuditEvent(tx, {
    orgId: opts.orgId,
    environment: opts.environment,
    ctx: opts.ctx,
    action: status === "paused" ? "endpoint.paused" : "endpoint.resumed",
    target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
    before: { status: endpoint.status, ...(endpoint.disabledReason ? { disabled_reason: endpoint.disabledReason } : {}) },
    after: { status, ...(status === "active" ? { released_deliveries: releasedDeliveryIds.length } : {}) },
  });
  return { endpoint: updated, releasedDeliveryIds };
}

/** The failure streak and circuit cleared (an admin's resume, a successful attempt). */
export const CLOSED_CIRCUIT = {
  failingSince: null,
  failingDeliveryId: null,
  failingSpread: false,
  circuitOpenedAt: null,
  circuitProbes: 0,
  nextProbeAt: null,
  probeDeliveryId: null,
  probeLeaseUntil: null,
};

/**
 * Inside the caller's transaction: the endpoint's held deliveries become pending, due now, with a
 * new generation; returns their ids oldest first, for the caller to dispatch after commit.
 */
export async function releaseHeldDeliveries(tx: Tx, endpointId: string, now: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string; createdAt: Date }[]>`
    UPDATE "Delivery" SET status = 'pending', "heldReason" = NULL, "releasedAt" = ${now}, "nextAttemptAt" = ${now}, "updatedAt" = ${now}
    WHERE "endpointId" = ${endpointId} AND status = 'held'
    RETURNING id, "createdAt"`;
  return rows
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.id);
}

/**
 * Pauses or resumes an endpoint. On resume its held deliveries become pending and are handed to
 * the delivery dispatcher in order after commit; their ids are returned, oldest first.
 */
export async function setEndpointStatus(opts: Scoped & { id: string; status: "active" | "paused"; ctx: AuditContext }) {
  const result = await db.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, opts);
    return applyEndpointStatus(tx, endpoint, opts.status, opts);
  });
  // Pausing stops its sends in flight in this process; any other send checks before it goes.
  if (opts.status === "paused") abortEndpointSends(result.endpoint.id, "endpoint paused");
  await dispatchDeliveries(result.releasedDeliveryIds);
  return result;
}

/**
 * For the delivery engine: marks a pending delivery `held` if (and only if) its endpoint is
 * paused right now, atomically with respect to a concurrent resume. Returns whether it did.
 */
export async function holdDeliveryIfEndpointPaused(deliveryId: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "Delivery" d SET status = 'held', "heldReason" = 'the endpoint is paused', "updatedAt" = now()
    WHERE d.id = ${deliveryId} AND d.status = 'pending'
      AND EXISTS (SELECT 1 FROM "Endpoint" e WHERE e.id = d."endpointId" AND e.status = 'paused' FOR SHARE)`;
  return n > 0;
}
