// Writes notifications (the console's notification centre) and sends the `gatehouse.*` operator
// event each one stands for. A notification is written in the transaction of the change it is
// about (so it exists exactly when the change does); its event is sent after commit, through the
// ordinary event path (lib/events/ingest-event.ts: signed, retried, recorded like any other), with
// the notification's id as the event's idempotency key, so a resend never duplicates it. Rows
// whose event is still pending (the process died in between) are sent by sendPendingOperatorEvents.
import { AppError } from "@/lib/api/errors";
import type { Tx } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { ingestEvent } from "@/lib/events/ingest-event";
import type { Environment } from "@/lib/generated/prisma/client";
import { briefError, log } from "@/lib/observability/log";
import { timeOrderedId } from "@/lib/webhooks/ids";

export const NOTIFICATION_KINDS = ["endpoint.failing", "endpoint.disabled", "endpoint.recovered", "delivery.failed", "credential.expiring"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NewNotification = {
  orgId: string;
  environment: Environment;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  target: { type: string; id: string };
  /** At most one notification per (org, key); a second one with the same key is not written. */
  dedupeKey: string;
  /** The `data` of the operator event. */
  data: Record<string, unknown>;
  /** Whether it also becomes a `gatehouse.<kind>` operator event (default true). */
  emit?: boolean;
};

export const newNotificationId = () => `ntf_${timeOrderedId()}`;

/** Writes the notification unless one with its key exists; returns the new row's id, or null. */
export async function createNotification(tx: Tx, n: NewNotification): Promise<string | null> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Notification" ("id", "orgId", "environment", "kind", "title", "body", "link", "targetType", "targetId", "dedupeKey", "data", "eventPending", "createdAt", "updatedAt")
     VALUES ($1, $2, $3::"Environment", $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13::timestamp, $13::timestamp)
     ON CONFLICT ("orgId", "dedupeKey") DO NOTHING RETURNING "id"`,
    newNotificationId(),
    n.orgId,
    n.environment,
    n.kind,
    n.title.slice(0, 300),
    n.body.slice(0, 2000),
    n.link,
    n.target.type,
    n.target.id,
    n.dedupeKey,
    JSON.stringify(n.data),
    n.emit !== false,
    new Date().toISOString(),
  );
  return rows[0]?.id ?? null;
}

/**
 * Sends the operator events of these notifications (those still pending), each once. Never
 * throws: a failure leaves the row pending for the sweeper. An archived `gatehouse.*` type, or
 * no endpoint that would receive it, means nobody wants that event: the row stops being pending
 * without one.
 */
export async function sendOperatorEvents(ids: (string | null | undefined)[]): Promise<void> {
  const wanted = ids.filter((id): id is string => !!id);
  if (wanted.length === 0) return;
  const rows = await db.notification.findMany({ where: { id: { in: wanted }, eventPending: true, environment: { not: null } } });
  for (const n of rows) {
    try {
      const type = `gatehouse.${n.kind}`;
      // No endpoint listens (no operator endpoint, none subscribed by name): no event, so the
      // Events list is not filled with Gatehouse's own events nobody asked for.
      const listeners = await db.endpoint.count({
        where: {
          orgId: n.orgId,
          environment: n.environment!,
          inboundWebhookId: null,
          status: { in: ["active", "paused"] },
          OR: [{ operatorEvents: true }, { eventTypes: { has: type } }],
        },
      });
      if (listeners === 0) {
        await db.notification.update({ where: { id: n.id }, data: { eventPending: false } });
        continue;
      }
      const r = await ingestEvent({
        orgId: n.orgId,
        environment: n.environment!,
        type,
        data: n.data as Record<string, unknown>,
        externalId: `gatehouse:${n.id}`,
      });
      await db.notification.update({ where: { id: n.id }, data: { eventId: r.event.id, eventPending: false } });
    } catch (err) {
      if (err instanceof AppError && err.code === "validation_failed" && /archived/.test(err.message)) {
        await db.notification.update({ where: { id: n.id }, data: { eventPending: false } });
        continue;
      }
      log.warn({ notification_id: n.id, error: briefError(err) }, "operator event not sent yet; the sweeper retries it");
    }
  }
}

/** Operator events left pending for more than `olderThanMs` (their process died after commit). Bounded. */
export async function sendPendingOperatorEvents(now = new Date(), olderThanMs = 60_000, limit = 200): Promise<number> {
  const rows = await sql<{ id: string }>(
    `SELECT "id" FROM "Notification" WHERE "eventPending" AND "createdAt" <= $1::timestamp ORDER BY "createdAt" LIMIT $2`,
    [new Date(now.getTime() - olderThanMs).toISOString(), limit],
  );
  await sendOperatorEvents(rows.map((r) => r.id));
  return rows.length;
}
