// The notification centre for one member: the org's notifications of the current environment
// and org-wide ones, newest first, each with that member's own read state. Read state is per
// member (NotificationRead): one member reading a notification does not mark it for another.
import { AppError } from "@/lib/api/errors";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { db } from "@/lib/db/client";
import type { Environment, Notification, Prisma } from "@/lib/generated/prisma/client";
import type { NotificationView } from "@/lib/validations/notifications";
import { z } from "zod";

type Scope = { orgId: string; environment: Environment; userId: string };

const visible = (s: Scope): Prisma.NotificationWhereInput => ({ orgId: s.orgId, OR: [{ environment: s.environment }, { environment: null }] });
const unreadBy = (userId: string): Prisma.NotificationWhereInput => ({ reads: { none: { userId } } });

const cursorSchema = z.strictObject({ createdAt: z.string(), id: z.string().max(100) });

export function notificationView(n: Notification, readAt: Date | null): NotificationView {
  return {
    id: n.id,
    kind: n.kind as NotificationView["kind"],
    environment: n.environment,
    title: n.title,
    body: n.body,
    link: n.link,
    target: n.targetType && n.targetId ? { type: n.targetType, id: n.targetId } : null,
    count: n.count,
    event_id: n.eventId,
    read_at: readAt ? readAt.toISOString() : null,
    created_at: n.createdAt.toISOString(),
    updated_at: n.updatedAt.toISOString(),
  };
}

export async function listNotifications(opts: Scope & { limit: number; cursor?: string; unread?: boolean }) {
  const c = decodeCursor(opts.cursor, cursorSchema);
  const where: Prisma.NotificationWhereInput = {
    AND: [
      visible(opts),
      ...(opts.unread ? [unreadBy(opts.userId)] : []),
      ...(c ? [{ OR: [{ createdAt: { lt: new Date(c.createdAt) } }, { createdAt: new Date(c.createdAt), id: { lt: c.id } }] }] : []),
    ],
  };
  const [rows, unread] = await Promise.all([
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      include: { reads: { where: { userId: opts.userId }, select: { readAt: true } } },
    }),
    db.notification.count({ where: { AND: [visible(opts), unreadBy(opts.userId)] } }),
  ]);
  return {
    ...paginate(rows, opts.limit, (n) => ({ createdAt: n.createdAt.toISOString(), id: n.id }), (n) => notificationView(n, n.reads[0]?.readAt ?? null)),
    unread_count: unread,
  };
}

/** Marks one notification read for this member (idempotent); 404 for one they cannot see. */
export async function markNotificationRead(opts: Scope & { id: string; now?: Date }): Promise<NotificationView> {
  const n = await db.notification.findFirst({ where: { AND: [visible(opts), { id: opts.id }] } });
  if (!n) throw new AppError("not_found", "No such notification.");
  const read = await db.notificationRead.upsert({
    where: { notificationId_userId: { notificationId: n.id, userId: opts.userId } },
    create: { notificationId: n.id, userId: opts.userId, readAt: opts.now ?? new Date() },
    update: {},
  });
  return notificationView(n, read.readAt);
}

/** Marks every notification this member can see here read; returns how many were unread. */
export async function markAllNotificationsRead(opts: Scope & { now?: Date }): Promise<{ marked: number }> {
  const ids = await db.notification.findMany({ where: { AND: [visible(opts), unreadBy(opts.userId)] }, select: { id: true }, take: 10_000 });
  if (ids.length === 0) return { marked: 0 };
  const { count } = await db.notificationRead.createMany({
    data: ids.map((n) => ({ notificationId: n.id, userId: opts.userId, readAt: opts.now ?? new Date() })),
    skipDuplicates: true,
  });
  return { marked: count };
}
