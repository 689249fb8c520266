// "Deliveries to this endpoint failed for good", debounced: one notification (and one
// `gatehouse.delivery.failed` operator event) per endpoint per hour. The first failure opens a
// one-hour window: its notification is written and its event sent at once; later failures in the
// window only count on the notification (the console shows the count). The next window's event
// carries every failure since the previous event (`failed_deliveries`), so no failure goes
// uncounted however the hours fall.
//
// Loops: a failed delivery of a `gatehouse.*` event (an operator endpoint that is itself down)
// is counted on a console-only notification of its own and never becomes an operator event, so a
// failing operator endpoint cannot feed itself events about its own failures.
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { briefError, log } from "@/lib/observability/log";
import { newNotificationId, sendOperatorEvents } from "@/lib/notifications/create-notification";
import { endpointLink } from "@/lib/notifications/endpoint-notices";
import { isGatehouseEventType } from "@/lib/notifications/gatehouse-event-types";
import type { Environment } from "@/lib/generated/prisma/client";

export const DELIVERY_FAILED_WINDOW_MS = 3_600_000;

export type FailedDelivery = {
  endpoint: { id: string; orgId: string; environment: Environment; name: string; url: string };
  deliveryId: string;
  eventId: string;
  eventType: string;
  error: string | null;
};

/**
 * Records one delivery that failed for good (called by the delivery engine once its last retry
 * failed). Never throws: a notification must not break delivery. Returns the notification's id
 * and whether this failure opened a window.
 */
export async function noteDeliveryFailed(f: FailedDelivery, now = new Date()): Promise<{ id: string; opened: boolean } | null> {
  try {
    const operatorOwn = isGatehouseEventType(f.eventType);
    const key = `${operatorOwn ? "delivery.failed.operator" : "delivery.failed"}:${f.endpoint.id}`;
    const at = now.toISOString();
    // The open window's row holds the bare key; a window past its hour gets its id appended.
    await sql(
      `UPDATE "Notification" SET "dedupeKey" = "dedupeKey" || ':' || "id"
        WHERE "orgId" = $1 AND "dedupeKey" = $2 AND "createdAt" <= $3::timestamp`,
      [f.endpoint.orgId, key, new Date(now.getTime() - DELIVERY_FAILED_WINDOW_MS).toISOString()],
    );
    const what = operatorOwn ? "Gatehouse operator event" : "delivery";
    const data = {
      endpoint: { id: f.endpoint.id, name: f.endpoint.name, url: f.endpoint.url },
      failed_deliveries: 1,
      delivery_id: f.deliveryId,
      event_id: f.eventId,
      event_type: f.eventType,
      last_error: f.error,
      window_started_at: at,
    };
    const [row] = await sql<{ id: string; inserted: boolean }>(
      `WITH prev AS (
         SELECT "count" FROM "Notification" WHERE "orgId" = $2 AND left("dedupeKey", length($10) + 1) = $10 || ':'
         ORDER BY "createdAt" DESC LIMIT 1)
       INSERT INTO "Notification" AS t ("id", "orgId", "environment", "kind", "title", "body", "link", "targetType", "targetId", "dedupeKey", "data", "eventPending", "createdAt", "updatedAt")
       VALUES ($1, $2, $3::"Environment", 'delivery.failed', $4, $5, $6, 'endpoint', $7, $10,
         jsonb_set($8::jsonb, '{failed_deliveries}', to_jsonb(1 + COALESCE((SELECT "count" - 1 FROM prev), 0))), $9, $11::timestamp, $11::timestamp)
       ON CONFLICT ("orgId", "dedupeKey") DO UPDATE SET
         "count" = t."count" + 1,
         "title" = (t."count" + 1)::text || $12,
         "body" = EXCLUDED."body",
         "updatedAt" = EXCLUDED."updatedAt"
       RETURNING t."id", (xmax = 0) AS "inserted"`,
      [
        newNotificationId(),
        f.endpoint.orgId,
        f.endpoint.environment,
        `1 ${what} to "${f.endpoint.name}" failed for good`.slice(0, 300),
        `Every retry was spent. Last error: ${f.error ?? "unknown"} (delivery ${f.deliveryId}, event type ${f.eventType}).`.slice(0, 2000),
        endpointLink(f.endpoint.id),
        f.endpoint.id,
        JSON.stringify(data),
        !operatorOwn,
        key,
        at,
        ` ${what === "delivery" ? "deliveries" : "Gatehouse operator events"} to "${f.endpoint.name}" failed for good in the last hour`.slice(0, 250),
      ],
    );
    if (!row) return null;
    if (row.inserted && !operatorOwn) await sendOperatorEvents([row.id]);
    return { id: row.id, opened: row.inserted };
  } catch (err) {
    log.warn({ delivery_id: f.deliveryId, endpoint_id: f.endpoint.id, error: briefError(err) }, "could not record a failed-delivery notification");
    return null;
  }
}

/**
 * The same for deliveries failed in bulk, without an attempt of their own (the delivery function
 * gave up on its run, their endpoint was disabled): each counts in its endpoint's window exactly
 * as one failing on its last retry does, so the notification and its one operator event per hour
 * do not depend on which path failed it. Only those now failed are counted; deliveries of
 * incoming webhooks' forward endpoints are not (as for single failures). Never throws.
 */
export async function noteDeliveriesFailed(deliveryIds: string[], error: string | null, now = new Date()): Promise<void> {
  if (deliveryIds.length === 0) return;
  try {
    const rows = await db.delivery.findMany({
      where: { id: { in: [...new Set(deliveryIds)] }, status: "failed", endpoint: { inboundWebhookId: null } },
      orderBy: { id: "asc" },
      select: {
        id: true,
        eventId: true,
        event: { select: { type: true } },
        endpoint: { select: { id: true, orgId: true, environment: true, name: true, url: true } },
      },
    });
    for (const r of rows) await noteDeliveryFailed({ endpoint: r.endpoint, deliveryId: r.id, eventId: r.eventId, eventType: r.event.type, error }, now);
  } catch (err) {
    log.warn({ deliveries: deliveryIds.length, error: briefError(err) }, "could not record failed-delivery notifications");
  }
}
