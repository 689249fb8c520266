// The safety net: deliveries committed but never sent (a crash between commit and send, an
// executor that was down) are found and sent again. Sends are keyed by a deterministic event
// id, so re-sending one that did arrive changes nothing.
import { db } from "@/lib/db/client";

export const STALE_AFTER_MS = 2 * 60_000;

/** Pending deliveries never attempted for a while, and held ones whose endpoint is active again. */
export async function findDeliveriesToResend(now = new Date(), limit = 500): Promise<string[]> {
  const stale = new Date(now.getTime() - STALE_AFTER_MS);
  const rows = await db.delivery.findMany({
    where: {
      OR: [
        { status: "pending", attempts: 0, createdAt: { lt: stale } },
        { status: "pending", nextAttemptAt: { lt: new Date(now.getTime() - 10 * 60_000) } }, // a retry overdue by 10 min: its run was lost
      ],
    },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  // Held deliveries of endpoints that are active again (a resume whose dispatch was lost).
  const held = await db.delivery.findMany({
    where: { status: "held", endpoint: { status: "active" }, updatedAt: { lt: stale } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  if (held.length) {
    await db.delivery.updateMany({
      where: { id: { in: held.map((h) => h.id) }, status: "held" },
      data: { status: "pending", releasedAt: now },
    });
  }
  return [...rows.map((r) => r.id), ...held.map((h) => h.id)];
}
