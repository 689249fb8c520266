// Replays: another attempt of the same delivery (the same message, so the same `webhook-id`, as
// Standard Webhooks and Svix resend it). A finished delivery (succeeded or failed) is re-armed as a
// new generation, pending (held if its endpoint is paused) and due now, and dispatched to a new
// run, like a resume; it then ends succeeded or failed again. Who asked and when is kept on the
// delivery until its next attempt, whose row takes it over (see recordAttempts).
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db, type Tx } from "@/lib/db/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import type { Environment } from "@/lib/generated/prisma/client";

type Scoped = { orgId: string; environment: Environment };

/** How a replay's asker is recorded on the delivery and its attempt. */
export function replayedByLabel(ctx: AuditContext): string {
  const a = ctx.actor;
  return (a.type === "credential" ? `credential ${a.label}` : a.type === "system" ? `${a.label} (system)` : a.label).slice(0, 300);
}

/**
 * Inside the caller's transaction: re-arms each of `ids` that is finished (succeeded or failed)
 * as a new generation. Endpoints are share-locked, so a concurrent pause or resume is waited for
 * (a delivery is held exactly when its endpoint is paused). A delivery still pending or held is
 * left alone (two replays at once: the first wins). Returns the re-armed ones, oldest first.
 */
export async function rearmForReplay(tx: Tx, ids: string[], by: string): Promise<{ id: string; status: "pending" | "held" }[]> {
  if (ids.length === 0) return [];
  const now = new Date();
  const rows = await tx.$queryRaw<{ id: string; status: "pending" | "held"; createdAt: Date }[]>`
    WITH ep AS (
      SELECT e.id, e.status FROM "Endpoint" e
      WHERE e.id IN (SELECT "endpointId" FROM "Delivery" WHERE id = ANY(${ids}::text[]))
      FOR SHARE)
    UPDATE "Delivery" d
    SET status = (CASE WHEN ep.status = 'paused' THEN 'held' ELSE 'pending' END)::"DeliveryStatus",
      "releasedAt" = ${now}, "nextAttemptAt" = ${now}, "completedAt" = NULL,
      "replayRequestedAt" = ${now}, "replayRequestedBy" = ${by}, "updatedAt" = ${now}
    FROM ep
    WHERE ep.id = d."endpointId" AND d.id = ANY(${ids}::text[]) AND d.status IN ('succeeded', 'failed')
    RETURNING d.id, d.status::text AS status, d."createdAt"`;
  return rows
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => ({ id: r.id, status: r.status }));
}

/** Replays one delivery: its next attempt goes out as soon as the engine takes it. */
export async function replayDelivery(opts: Scoped & { id: string; ctx: AuditContext }) {
  const result = await db.$transaction(async (tx) => {
    const d = await tx.delivery.findFirst({
      where: { id: opts.id, orgId: opts.orgId, environment: opts.environment },
      include: { endpoint: { select: { name: true, url: true } } },
    });
    if (!d) throw new AppError("not_found", "No such delivery in this environment.");
    if (d.status === "pending" || d.status === "held") {
      throw new AppError("conflict", "This delivery is still in progress; replay it once it has succeeded or failed.");
    }
    // The replay goes to the endpoint's URL now: say so when that is not where the last attempt went.
    const last = await tx.deliveryAttempt.findFirst({ where: { deliveryId: d.id }, orderBy: { number: "desc" }, select: { url: true } });
    const urlChangedFrom = last?.url && last.url !== d.endpoint.url ? last.url : null;
    const [rearmed] = await rearmForReplay(tx, [d.id], replayedByLabel(opts.ctx));
    // Another replay (or nothing else: only replays re-arm a finished delivery) got there first.
    if (!rearmed) throw new AppError("conflict", "This delivery is already being replayed.");
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "delivery.replayed",
      target: { type: "delivery", id: d.id, label: d.endpoint.name },
      before: { status: d.status, attempts: d.attempts },
      after: { status: rearmed.status, ...(urlChangedFrom ? { url: d.endpoint.url, previous_url: urlChangedFrom } : {}) },
    });
    return { id: d.id, status: rearmed.status, urlChangedFrom };
  });
  if (result.status === "pending") await dispatchDeliveries([result.id]);
  return result;
}

const BULK_BATCH = 200;
export const BULK_REPLAY_MAX = 10_000;

/**
 * Replays every failed delivery (of one endpoint, or all) created since a time, oldest first.
 * Each becomes pending again, so asking twice replays nothing the second time (unless some
 * failed again meanwhile, which are then replayable again).
 */
export async function replayFailedSince(opts: Scoped & { endpointId?: string; since: Date; ctx: AuditContext }) {
  const where = {
    orgId: opts.orgId,
    environment: opts.environment,
    status: "failed" as const,
    createdAt: { gte: opts.since },
    ...(opts.endpointId ? { endpointId: opts.endpointId } : {}),
  };
  const total = await db.delivery.count({ where });
  if (total > BULK_REPLAY_MAX) {
    throw new AppError("validation_failed", `since: ${total} failed deliveries match; narrow it to at most ${BULK_REPLAY_MAX}`, {
      errors: [{ field: "since", message: `matches ${total} deliveries; at most ${BULK_REPLAY_MAX} at once` }],
    });
  }
  const by = replayedByLabel(opts.ctx);
  let replayed = 0;
  let after: { createdAt: Date; id: string } | undefined;
  for (let batches = 0; batches <= BULK_REPLAY_MAX / BULK_BATCH; batches++) {
    const batch = await db.delivery.findMany({
      where: after
        ? { AND: [where, { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }] }
        : where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BULK_BATCH,
      select: { id: true, createdAt: true },
    });
    if (!batch.length) break;
    const last = batch[batch.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    const rearmed = await db.$transaction((tx) => rearmForReplay(tx, batch.map((d) => d.id), by));
    replayed += rearmed.length;
    await dispatchDeliveries(rearmed.filter((r) => r.status === "pending").map((r) => r.id));
    if (batch.length < BULK_BATCH) break;
  }
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "delivery.bulk_replayed",
      target: opts.endpointId ? { type: "endpoint", id: opts.endpointId } : { type: "environment", id: opts.environment },
      after: { since: opts.since.toISOString(), replayed },
    }),
  );
  return { replayed };
}
