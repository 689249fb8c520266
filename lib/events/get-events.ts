// Reading events and their deliveries, scoped to one organization and environment.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

type Scoped = { orgId: string; environment: Environment };

export function listEvents(
  s: Scoped & { limit: number; type?: string; q?: string; causedByCredential?: string; createdAfter?: Date; createdBefore?: Date; cursor?: { createdAt: string; id: string } },
) {
  return db.event.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.type ? { type: s.type } : {}),
      ...(s.causedByCredential ? { causedByType: "credential" as const, causedById: s.causedByCredential } : {}),
      ...(s.q ? { AND: [{ OR: [{ id: s.q }, { idempotencyKey: s.q }] }] } : {}),
      ...(s.createdAfter || s.createdBefore
        ? { createdAt: { ...(s.createdAfter ? { gte: s.createdAfter } : {}), ...(s.createdBefore ? { lt: s.createdBefore } : {}) } }
        : {}),
      ...(s.cursor
        ? {
            OR: [
              { createdAt: { lt: new Date(s.cursor.createdAt) } },
              { createdAt: new Date(s.cursor.createdAt), id: { lt: s.cursor.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
  });
}

export type DeliverySummary = { total: number; pending: number; held: number; succeeded: number; failed: number };

/** Each event's deliveries counted by status, in one query for a page of events. */
export async function deliverySummaries(eventIds: string[]): Promise<Map<string, DeliverySummary>> {
  const out = new Map<string, DeliverySummary>(eventIds.map((id) => [id, { total: 0, pending: 0, held: 0, succeeded: 0, failed: 0 }]));
  if (eventIds.length === 0) return out;
  const rows = await db.delivery.groupBy({ by: ["eventId", "status"], where: { eventId: { in: eventIds } }, _count: { _all: true } });
  for (const r of rows) {
    const s = out.get(r.eventId)!;
    s[r.status] += r._count._all;
    s.total += r._count._all;
  }
  return out;
}

/** An event with its deliveries (older replays' separate deliveries included), oldest first. */
export async function getEventWithDeliveries(s: Scoped & { id: string }) {
  const event = await db.event.findFirst({
    where: { id: s.id, orgId: s.orgId, environment: s.environment },
    include: { deliveries: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 1000, include: { endpoint: { select: { name: true } } } } },
  });
  if (!event) throw new AppError("not_found", "No such event in this environment.");
  return event;
}
