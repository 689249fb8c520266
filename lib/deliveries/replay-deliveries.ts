// Replays: a new delivery (its own webhook-id) of the same event to the same endpoint,
// linked to the delivery it replays.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import type { Environment } from "@/lib/generated/prisma/client";
import { newDeliveryId } from "@/lib/webhooks/ids";

type Scoped = { orgId: string; environment: Environment };

export async function replayDelivery(opts: Scoped & { id: string; ctx: AuditContext }) {
  const created = await db.$transaction(async (tx) => {
    const d = await tx.delivery.findFirst({
      where: { id: opts.id, orgId: opts.orgId, environment: opts.environment },
      include: { endpoint: { select: { status: true, name: true, url: true } } },
    });
    if (!d) throw new AppError("not_found", "No such delivery in this environment.");
    // The replay goes to the endpoint's URL now: say so when that is not where the original went.
    const last = await tx.deliveryAttempt.findFirst({ where: { deliveryId: d.id }, orderBy: { number: "desc" }, select: { url: true } });
    const urlChangedFrom = last?.url && last.url !== d.endpoint.url ? last.url : null;
    if (d.status === "pending" || d.status === "held") {
      throw new AppError("conflict", "This delivery is still in progress; replay it once it has succeeded or failed.");
    }
    const replay = await tx.delivery.create({
      data: {
        id: newDeliveryId(),
        orgId: d.orgId,
        environment: d.environment,
        eventId: d.eventId,
        endpointId: d.endpointId,
        status: d.endpoint.status === "paused" ? "held" : "pending",
        replayOfId: d.id,
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "delivery.replayed",
      target: { type: "delivery", id: d.id, label: d.endpoint.name },
      after: { replay_id: replay.id, ...(urlChangedFrom ? { url: d.endpoint.url, previous_url: urlChangedFrom } : {}) },
    });
    return Object.assign(replay, { urlChangedFrom });
  });
  if (created.status === "pending") await dispatchDeliveries([created.id]);
  return created;
}

const BULK_BATCH = 200;
export const BULK_REPLAY_MAX = 10_000;

/** Replays every failed delivery (of one endpoint, or all) since a time, oldest first. */
export async function replayFailedSince(opts: Scoped & { endpointId?: string; since: Date; ctx: AuditContext }) {
  const where = {
    orgId: opts.orgId,
    environment: opts.environment,
    status: "failed" as const,
    createdAt: { gte: opts.since },
    ...(opts.endpointId ? { endpointId: opts.endpointId } : {}),
    replays: { none: {} }, // each failure is replayed once; a failed replay is itself replayable
  };
  const total = await db.delivery.count({ where });
  if (total > BULK_REPLAY_MAX) {
    throw new AppError("validation_failed", `since: ${total} failed deliveries match; narrow it to at most ${BULK_REPLAY_MAX}`, {
      errors: [{ field: "since", message: `matches ${total} deliveries; at most ${BULK_REPLAY_MAX} at once` }],
    });
  }
  let replayed = 0;
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const batch = await db.delivery.findMany({
      where: after
        ? { AND: [where, { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }] }
        : where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BULK_BATCH,
      include: { endpoint: { select: { status: true } } },
    });
    if (!batch.length) break;
    const last = batch[batch.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    const rows = batch.map((d) => ({
      id: newDeliveryId(),
      orgId: d.orgId,
      environment: d.environment,
      eventId: d.eventId,
      endpointId: d.endpointId,
      status: d.endpoint.status === "paused" ? ("held" as const) : ("pending" as const),
      replayOfId: d.id,
    }));
    await db.delivery.createMany({ data: rows });
    replayed += rows.length;
    await dispatchDeliveries(rows.filter((r) => r.status === "pending").map((r) => r.id));
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
