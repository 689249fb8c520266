// A receiver's Retry-After (on a 429 or 503) pauses every send to its endpoint until then (the
// throttle, lib/deliveries/endpoint-throttle.ts). This reads that pause for the console: until
// when, and why: the latest attempt that asked to wait, among the endpoint's newest deliveries.
import { sql } from "@/lib/db/sql";
import { MAX_PAUSE_MS } from "@/lib/deliveries/endpoint-throttle";
import type { ReceiverPauseView } from "@/lib/validations/webhooks";

/** How many of an endpoint's newest deliveries are looked through for the attempt that asked. */
const RECENT_DELIVERIES = 500;

/** The pauses in force now, by endpoint id (one statement; a second only for paused endpoints). */
export async function getReceiverPauses(ids: string[], now = new Date()): Promise<Map<string, ReceiverPauseView>> {
  const out = new Map<string, ReceiverPauseView>();
  if (ids.length === 0) return out;
  const paused = await sql<{ endpointId: string; pausedUntil: Date }>(
    `SELECT "endpointId", ("pausedUntil" AT TIME ZONE 'UTC') AS "pausedUntil" FROM "EndpointThrottle"
     WHERE "endpointId" = ANY($1::text[]) AND "pausedUntil" > $2::timestamp`,
    [ids, now.toISOString()],
  );
  if (paused.length === 0) return out;
  // The pause was asked for at most MAX_PAUSE_MS before it ends; the newest deliveries bound the
  // look-up whatever the endpoint's history (an older one that asked is then not named).
  const asked = await sql<{ endpointId: string; deliveryId: string; status: number; at: Date }>(
    `SELECT p."endpointId", a."deliveryId", a."status", a."at"
     FROM unnest($1::text[], $2::timestamp[]) AS p("endpointId", "since")
     CROSS JOIN LATERAL (
       SELECT x."deliveryId", x."responseStatus" AS "status", (x."createdAt" AT TIME ZONE 'UTC') AS "at"
       FROM (SELECT d."id" FROM "Delivery" d WHERE d."endpointId" = p."endpointId" ORDER BY d."createdAt" DESC LIMIT ${RECENT_DELIVERIES}) d
       JOIN "DeliveryAttempt" x ON x."deliveryId" = d."id"
       WHERE x."responseStatus" IN (429, 503) AND x."createdAt" >= p."since"
       ORDER BY x."createdAt" DESC LIMIT 1) a`,
    [paused.map((p) => p.endpointId), paused.map((p) => new Date(p.pausedUntil.getTime() - MAX_PAUSE_MS - 60_000).toISOString())],
  );
  for (const p of paused) {
    const a = asked.find((r) => r.endpointId === p.endpointId);
    out.set(p.endpointId, {
      until: p.pausedUntil.toISOString(),
      status: a?.status ?? null,
      asked_at: a?.at.toISOString() ?? null,
      delivery_id: a?.deliveryId ?? null,
    });
  }
  return out;
}
