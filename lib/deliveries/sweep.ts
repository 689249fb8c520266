// The safety net. The invariant: every pending delivery has a due time (`nextAttemptAt`; a row
// created or released without one is due from when it became pending, its `updatedAt`) or an
// owning attempt (a send in flight claims the row by moving `nextAttemptAt` to the end of its
// time budget, see attempt-delivery.ts). A pending delivery whose due time has passed by
// STALE_AFTER_MS has lost whatever was to send it: a crash between commit and dispatch (event
// ingestion, resume, replay, the sweeper's own release), a dispatch that failed, a run lost or
// ended while the delivery was still pending, an attempt killed mid-send. Each such row is
// re-armed with a new generation (`releasedAt`, which the delivery's event id and payload
// carry), so it is sent as a new event (a resend of the old id would be deduplicated by the
// executor and start nothing), and any old run still holding the old generation skips it.
import { sql } from "@/lib/db/sql";
import { FIFO_HELD_REASON, RETRY_AFTER_HELD_PREFIX } from "@/lib/deliveries/endpoint-throttle";

export const STALE_AFTER_MS = 2 * 60_000;

/**
 * Re-arms overdue pending deliveries, and releases held ones whose endpoint is active again;
 * returns their ids (oldest first within each kind) for the caller to dispatch.
 */
export async function findDeliveriesToResend(now = new Date(), limit = 500): Promise<string[]> {
  const stale = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const at = now.toISOString();
  const overdue = await sql<{ id: string; createdAt: Date }>(
    `UPDATE "Delivery" d SET "releasedAt" = $2::timestamp, "nextAttemptAt" = $2::timestamp, "updatedAt" = $2::timestamp
     WHERE d."id" IN (
       SELECT "id" FROM "Delivery"
       WHERE "status" = 'pending' AND COALESCE("nextAttemptAt", "updatedAt") < $1::timestamp
       ORDER BY "createdAt", "id" LIMIT $3 FOR UPDATE SKIP LOCKED)
     AND d."status" = 'pending' AND COALESCE(d."nextAttemptAt", d."updatedAt") < $1::timestamp
     RETURNING d."id", (d."createdAt" AT TIME ZONE 'UTC') AS "createdAt"`,
    [stale, at, limit],
  );
  overdue.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  // Held deliveries of endpoints that are active again (a resume whose release was lost), unless
  // their circuit is open (endpoint-circuit.ts releases those when a probe gets through); those a
  // receiver's Retry-After held once its time has come; those FIFO held once nothing older of
  // their endpoint is unfinished (a release lost in a crash, fifo-ordering.ts).
  const held = await sql<{ id: string }>(
    `UPDATE "Delivery" d SET "status" = 'pending', "heldReason" = NULL, "releasedAt" = $2::timestamp, "nextAttemptAt" = $2::timestamp, "updatedAt" = $2::timestamp
     WHERE d."id" IN (
       SELECT h."id" FROM "Delivery" h JOIN "Endpoint" e ON e."id" = h."endpointId"
       WHERE h."status" = 'held' AND e."status" = 'active' AND e."circuitOpenedAt" IS NULL
         AND CASE WHEN starts_with(COALESCE(h."heldReason", ''), $4) THEN h."nextAttemptAt" <= $2::timestamp
           WHEN h."heldReason" = $5 THEN h."updatedAt" < $1::timestamp AND NOT EXISTS (
             SELECT 1 FROM "Delivery" o WHERE o."endpointId" = h."endpointId" AND o."status" IN ('pending', 'held')
               AND (o."createdAt" < h."createdAt" OR (o."createdAt" = h."createdAt" AND o."id" < h."id")))
           ELSE h."updatedAt" < $1::timestamp END
       ORDER BY h."createdAt", h."id" LIMIT $3 FOR UPDATE OF h SKIP LOCKED)
     AND d."status" = 'held'
     RETURNING d."id"`,
    [stale, at, limit, RETRY_AFTER_HELD_PREFIX, FIFO_HELD_REASON],
  );
  return [...overdue.map((r) => r.id), ...held.map((h) => h.id)];
}

/** Pending deliveries with neither a due time in the last STALE_AFTER_MS nor an attempt in flight (what the next sweep re-arms). */
export async function countOverdueDeliveries(now = new Date()): Promise<number> {
  const stale = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Delivery" WHERE "status" = 'pending' AND COALESCE("nextAttemptAt", "updatedAt") < $1::timestamp`,
    [stale],
  );
  return row?.n ?? 0;
}
