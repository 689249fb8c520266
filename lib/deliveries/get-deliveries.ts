// Reading deliveries and their attempts for the console and the API.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { payloadFor } from "@/lib/deliveries/attempt-delivery";
import { shownBody } from "@/lib/inbound/forward-request";
import type { Delivery, DeliveryAttempt, Environment, Prisma } from "@/lib/generated/prisma/client";
import type { DeliveryView } from "@/lib/validations/deliveries";
import { causeView } from "@/lib/events/views";

type Scoped = { orgId: string; environment: Environment };
type Row = Delivery & { event: Parameters<typeof causeView>[0]; endpoint: { name: string } };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function deliveryView(d: Row): DeliveryView {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.event.type,
    endpoint_id: d.endpointId,
    endpoint_name: d.endpoint.name,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    last_response_status: d.lastResponseStatus,
    last_error: d.lastError,
    held_reason: d.status === "held" ? (d.heldReason ?? "the endpoint is paused") : null,
    replay_of: d.replayOfId,
    replay_requested_at: iso(d.replayRequestedAt),
    replay_requested_by: d.replayRequestedBy,
    created_at: d.createdAt.toISOString(),
    completed_at: iso(d.completedAt),
    caused_by: causeView(d.event),
  };
}

/** `messageBody`: what attempts that did not keep their own body sent (see DeliveryAttempt.requestBody). */
export function attemptView(a: DeliveryAttempt, messageBody: string) {
  return {
    number: a.number,
    url: a.url,
    request_headers: a.requestHeaders as Record<string, string>,
    request_body: a.requestBody ?? messageBody,
    response_status: a.responseStatus,
    response_headers: (a.responseHeaders as Record<string, string> | null) ?? null,
    response_body: a.responseBody,
    latency_ms: a.latencyMs,
    error: a.error,
    replayed_at: iso(a.replayedAt),
    replayed_by: a.replayedBy,
    created_at: a.createdAt.toISOString(),
  };
}

// The event's identity and provenance fields: what causeView needs to say (and check) who caused it.
const eventCauseSelect = {
  id: true,
  orgId: true,
  environment: true,
  type: true,
  createdAt: true,
  causedByType: true,
  causedById: true,
  causedByLabel: true,
  causedByIp: true,
  causedByMessageId: true,
  provenanceMac: true,
} as const;
const include = { event: { select: eventCauseSelect }, endpoint: { select: { name: true } } } as const;

export type DeliveryFilters = {
  status?: Delivery["status"];
  endpointId?: string;
  eventType?: string;
  eventId?: string;
  deliveryId?: string;
  /** Exact: a delivery id, an event id, or an event's client-sent id. */
  q?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Only deliveries of events posted with this credential's tokens. */
  causedByCredential?: string;
};

export async function listDeliveries(s: Scoped & DeliveryFilters & { limit: number; cursor?: { createdAt: string; id: string } }) {
  const and: Prisma.DeliveryWhereInput[] = [];
  if (s.eventType) and.push({ event: { type: s.eventType } });
  if (s.eventId) and.push({ eventId: s.eventId });
  if (s.causedByCredential) and.push({ event: { causedByType: "credential", causedById: s.causedByCredential } });
  if (s.deliveryId) and.push({ id: s.deliveryId });
  if (s.q) and.push({ OR: [{ id: s.q }, { eventId: s.q }, { event: { idempotencyKey: s.q } }] });
  if (s.createdAfter || s.createdBefore) and.push({ createdAt: { ...(s.createdAfter ? { gte: s.createdAfter } : {}), ...(s.createdBefore ? { lt: s.createdBefore } : {}) } });
  return db.delivery.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.status ? { status: s.status } : {}),
      // Forwards of incoming webhooks are listed with their messages unless asked for by endpoint
      // (or found by an exact id).
      ...(s.endpointId ? { endpointId: s.endpointId } : s.q || s.deliveryId || s.eventId ? {} : { endpoint: { inboundWebhookId: null } }),
      ...(and.length ? { AND: and } : {}),
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
    include,
  });
}

export async function getDelivery(s: Scoped & { id: string }) {
  const d = await db.delivery.findFirst({
    where: { id: s.id, orgId: s.orgId, environment: s.environment },
    include: {
      event: { select: { ...eventCauseSelect, payload: true } },
      endpoint: { select: { name: true, inboundWebhookId: true } },
      attemptRows: { orderBy: { number: "asc" } },
    },
  });
  if (!d) throw new AppError("not_found", "No such delivery in this environment.");
  const body = d.attemptRows.some((a) => a.requestBody === null) ? await messageBody(d.event, d.endpoint.inboundWebhookId !== null) : "";
  return { ...deliveryView(d), attempt_log: d.attemptRows.map((a) => attemptView(a, body)) };
}

/**
 * The bytes every attempt of a delivery sent: the event's envelope (built from the stored event,
 * which never changes, exactly as the sender builds it), or an incoming webhook's stored request.
 */
async function messageBody(event: Parameters<typeof payloadFor>[0], forwarded: boolean): Promise<string> {
  if (!forwarded) return payloadFor(event);
  const m = await db.inboundMessage.findUnique({ where: { eventId: event.id }, select: { body: true } });
  return m ? shownBody(Buffer.from(m.body)) : "(the forwarded message no longer exists)";
}

/** Per-endpoint health over the last 24 hours, for the endpoints table. */
export async function endpointDeliveryStats(s: Scoped) {
  const since = new Date(Date.now() - 24 * 3600_000);
  const rows = await db.delivery.groupBy({
    by: ["endpointId", "status"],
    where: { orgId: s.orgId, environment: s.environment, createdAt: { gte: since } },
    _count: { _all: true },
    _max: { lastAttemptAt: true },
  });
  const out: Record<string, { succeeded: number; failed: number; total: number; last_delivery_at: string | null }> = {};
  for (const r of rows) {
    const e = (out[r.endpointId] ??= { succeeded: 0, failed: 0, total: 0, last_delivery_at: null });
    e.total += r._count._all;
    if (r.status === "succeeded") e.succeeded += r._count._all;
    if (r.status === "failed") e.failed += r._count._all;
    const last = r._max.lastAttemptAt?.toISOString() ?? null;
    if (last && (!e.last_delivery_at || last > e.last_delivery_at)) e.last_delivery_at = last;
  }
  return Object.entries(out).map(([endpoint_id, v]) => ({
    endpoint_id,
    ...v,
    success_rate: v.succeeded + v.failed > 0 ? v.succeeded / (v.succeeded + v.failed) : null,
  }));
}
