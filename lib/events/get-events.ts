// Reading events and their deliveries, scoped to one organization and environment.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

type Scoped = { orgId: string; environment: Environment };

export function listEvents(s: Scoped & { limit: number; type?: string; cursor?: { createdAt: string; id: string } }) {
  return db.event.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.type ? { type: s.type } : {}),
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

/** An event with its deliveries (replays included), oldest first. */
export async function getEventWithDeliveries(s: Scoped & { id: string }) {
  const event = await db.event.findFirst({
    where: { id: s.id, orgId: s.orgId, environment: s.environment },
    include: { deliveries: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 1000 } },
  });
  if (!event) throw new AppError("not_found", "No such event in this environment.");
  return event;
}
