// FIFO ordering (Endpoint.ordering = fifo): the next message to the endpoint waits until the
// previous one succeeded or failed for good. The claim statement (endpoint-throttle.ts) refuses a
// delivery while an older one of its endpoint is unfinished (pending or held); such a delivery is
// held here, and released when the one before it finishes. Both take the endpoint's row lock and
// then look again, so a hold can never miss the release meant for it: whichever comes second sees
// what the first did. The sweeper releases what a crash in between left held (sweep.ts).
import { db, type Tx } from "@/lib/db/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { FIFO_HELD_REASON } from "@/lib/deliveries/endpoint-throttle";

/** An older unfinished delivery of the same endpoint, as SQL over the delivery `d`. */
export const OLDER_UNFINISHED = `EXISTS (SELECT 1 FROM "Delivery" o WHERE o."endpointId" = d."endpointId" AND o."status" IN ('pending', 'held')
  AND (o."createdAt" < d."createdAt" OR (o."createdAt" = d."createdAt" AND o."id" < d."id")))`;

/**
 * Holds a pending delivery of a FIFO endpoint while an older one is unfinished. Returns false when
 * nothing holds it back any more (the caller claims it again).
 */
export async function holdDeliveryIfFifoBlocked(deliveryId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(
      `SELECT 1 FROM "Endpoint" e WHERE e."id" = (SELECT "endpointId" FROM "Delivery" WHERE "id" = $1) FOR UPDATE`,
      deliveryId,
    );
    const n = await tx.$executeRawUnsafe(
      `UPDATE "Delivery" d SET "status" = 'held', "heldReason" = $2, "nextAttemptAt" = NULL, "updatedAt" = $3::timestamp
       WHERE d."id" = $1 AND d."status" = 'pending'
         AND EXISTS (SELECT 1 FROM "Endpoint" e WHERE e."id" = d."endpointId" AND e."ordering" = 'fifo') AND ${OLDER_UNFINISHED}`,
      deliveryId,
      FIFO_HELD_REASON,
      new Date().toISOString(),
    );
    return n > 0;
  });
}

/**
 * A delivery of a FIFO endpoint finished: if the oldest unfinished one left is held for FIFO, it
 * becomes pending (a new generation, due now) and is dispatched.
 */
export async function releaseNextFifoDelivery(endpointId: string): Promise<void> {
  const ids = await db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT 1 FROM "Endpoint" WHERE "id" = $1 AND "ordering" = 'fifo' FOR UPDATE`, endpointId);
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE "Delivery" d SET "status" = 'pending', "heldReason" = NULL, "releasedAt" = $3::timestamp, "nextAttemptAt" = $3::timestamp, "updatedAt" = $3::timestamp
       WHERE d."id" = (SELECT h."id" FROM "Delivery" h WHERE h."endpointId" = $1 AND h."status" IN ('pending', 'held')
                       ORDER BY h."createdAt", h."id" LIMIT 1)
         AND d."status" = 'held' AND d."heldReason" = $2
       RETURNING d."id"`,
      endpointId,
      FIFO_HELD_REASON,
      new Date().toISOString(),
    );
    return rows.map((r) => r.id);
  });
  await dispatchDeliveries(ids);
}

/**
 * Inside the caller's transaction (the endpoint's ordering leaves FIFO, its row locked): what FIFO
 * was holding becomes pending, due now, with a new generation; the ids, oldest first, for the
 * caller to dispatch after commit.
 */
export async function releaseFifoHeld(tx: Tx, endpointId: string): Promise<string[]> {
  const now = new Date().toISOString();
  const rows = await tx.$queryRawUnsafe<{ id: string; createdAt: Date }[]>(
    `UPDATE "Delivery" SET "status" = 'pending', "heldReason" = NULL, "releasedAt" = $3::timestamp, "nextAttemptAt" = $3::timestamp, "updatedAt" = $3::timestamp
     WHERE "endpointId" = $1 AND "status" = 'held' AND "heldReason" = $2
     RETURNING "id", "createdAt"`,
    endpointId,
    FIFO_HELD_REASON,
    now,
  );
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((r) => r.id);
}
