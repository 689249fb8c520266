// Expiry reminders: active credentials of an environment that expire within 30 days, each with
// the reminder window it has reached (30, 7 or 1 day), soonest first.
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

const DAY_MS = 24 * 3600_000;
export const REMINDER_DAYS = [1, 7, 30] as const;

export type ExpiringCredential = { id: string; name: string; expiresAt: Date; withinDays: (typeof REMINDER_DAYS)[number] };

export async function expiringCredentials(opts: { orgId: string; environment: Environment; now?: Date }): Promise<ExpiringCredential[]> {
  const now = opts.now ?? new Date();
  const rows = await db.credential.findMany({
    where: {
      orgId: opts.orgId,
      environment: opts.environment,
      status: "active",
      expiresAt: { gt: now, lte: new Date(now.getTime() + 30 * DAY_MS) },
    },
    orderBy: { expiresAt: "asc" },
    select: { id: true, name: true, expiresAt: true },
    take: 100,
  });
  return rows.map((r) => {
    const left = r.expiresAt!.getTime() - now.getTime();
    return { id: r.id, name: r.name, expiresAt: r.expiresAt!, withinDays: REMINDER_DAYS.find((d) => left <= d * DAY_MS)! };
  });
}
