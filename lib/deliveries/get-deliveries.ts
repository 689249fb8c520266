// Reading deliveries and their attempts for the console and the API.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { Delivery, DeliveryAttempt, Environment } from "@/lib/generated/prisma/client";
import type { DeliveryView } from "@/lib/validations/deliveries";

type Scoped = { orgId: string; environment: Environment };
type Row = Delivery & { event: { type: string }; endpoint: { name: string } };
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
    created_at: d.createdAt.toISOString(),
    completed_at: iso(d.completedAt),
  };
}

export function attemptView(a: DeliveryAttempt) {
  return {
    number: a.number,
    url: a.url,
    request_headers: a.requestHeaders as Record<string, string>,
    request_body: a.requestBody,
    response_status: a.responseStatus,
    response_headers: (a.responseHeaders as Record<string, string> | null) ?? null,
    response_body: a.responseBody,
    latency_ms: a.latencyMs,
    error: a.error,
    created_at: a.createdAt.toISOString(),
  };
}

const include = { event: { select: { type: true } }, endpoint: { select: { name: true } } } as const;

export async function listDeliveries(
  s: Scoped & { status?: Delivery["status"]; endpointId?: string; limit: number; cursor?: { createdAt: string; id: string } },
) {
  return db.delivery.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.status ? { status: s.status } : {}),
      // Forwards of incoming webhooks are listed with their messages unless asked for by endpoint.
      ...(s.endpointId ? { endpointId: s.endpointId } : { endpoint: { inboundWebhookId: null } }),
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
    include: { ...include, attemptRows: { orderBy: { number: "asc" } } },
  });
  if (!d) throw new AppError("not_found", "No such delivery in this environment.");
  return { ...deliveryView(d), attempt_log: d.attemptRows.map(attemptView) };
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
