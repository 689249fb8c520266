// Bulk recovery: re-sends an endpoint's failed deliveries created in a time window, each as another
// attempt of the same delivery (the same `webhook-id`, lib/deliveries/replay-deliveries.ts), in
// batches recorded on a RecoveryJob row.
//
// Exactly once, across kills: each batch locks the job row, re-arms the next deliveries after the
// job's cursor and moves the cursor, in one transaction. A process killed mid-batch rolls all of
// it back; one killed after commit has moved the cursor, so nothing is re-armed twice (its re-armed
// deliveries are pending and due: dispatched after commit, or re-sent by the delivery sweeper).
// The lease (leaseOwner, leaseUntil) says which run drives the job; findAbandonedRecoveries lists
// jobs whose driver stopped renewing it, for another run to take over.
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import type { Environment, Prisma, RecoveryJob } from "@/lib/generated/prisma/client";
import { rearmForReplay, replayedByLabel } from "@/lib/deliveries/replay-deliveries";
import { findEndpoint } from "@/lib/webhooks/get-endpoints";
import type { RecoveryJobView } from "@/lib/validations/webhooks";

type Scoped = { orgId: string; environment: Environment };

export const RECOVERY_BATCH = 200;
/** The most failed deliveries one job recovers (narrow the window for more). */
export const RECOVERY_MAX = 100_000;
export const RECOVERY_LEASE_MS = 60_000;

export const newRecoveryJobId = () => `rcv_${randomUUID()}`;

const failedInWindow = (j: { endpointId: string; since: Date; until: Date }): Prisma.DeliveryWhereInput => ({
  endpointId: j.endpointId,
  status: "failed",
  createdAt: { gte: j.since, lt: j.until },
});

/**
 * Counts the endpoint's failed deliveries in [since, until) and, unless `dryRun`, creates the job
 * that re-sends them (the caller starts its run: inngest/functions/recover-deliveries.ts).
 * Another org's or environment's endpoint is not found (404).
 */
export async function startRecovery(opts: Scoped & { endpointId: string; since: Date; until?: Date; dryRun: boolean; ctx: AuditContext }) {
  const until = opts.until ?? new Date();
  const endpoint = await findEndpoint(db, { ...opts, id: opts.endpointId });
  const where = failedInWindow({ endpointId: endpoint.id, since: opts.since, until });
  if (opts.dryRun) return { count: await db.delivery.count({ where }), job: null };
  return db.$transaction(async (tx) => {
    // Lock the endpoint: a job and a concurrent delete do not cross.
    await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpoint.id} FOR SHARE`;
    const count = await tx.delivery.count({ where });
    if (count > RECOVERY_MAX) {
      throw new AppError("validation_failed", `since: ${count} failed deliveries match; narrow the window to at most ${RECOVERY_MAX}`, {
        errors: [{ field: "since", message: `matches ${count} failed deliveries; at most ${RECOVERY_MAX} per job` }],
      });
    }
    const job = await tx.recoveryJob.create({
      data: {
        id: newRecoveryJobId(),
        orgId: opts.orgId,
        environment: opts.environment,
        endpointId: endpoint.id,
        since: opts.since,
        until,
        total: count,
        requestedBy: replayedByLabel(opts.ctx),
        // Nothing to do: done at once (no run needed).
        ...(count === 0 ? { status: "completed" as const, completedAt: new Date() } : {}),
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "endpoint.recovery_started",
      target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
      after: { job_id: job.id, since: opts.since.toISOString(), until: until.toISOString(), count },
    });
    return { count, job };
  });
}

export type RecoveryBatchResult = {
  /** The job needs no more batches (finished, or gone). */
  done: boolean;
  /** Another run holds a live lease: this one should stop. */
  leasedElsewhere?: boolean;
  recovered: number;
};

/**
 * One batch of a job, as `owner` (a run id): takes or renews the lease unless another owner's is
 * live, re-arms the next RECOVERY_BATCH failed deliveries after the cursor, moves the cursor, and
 * dispatches the re-armed ones after commit.
 */
export async function runRecoveryBatch(opts: { jobId: string; owner: string; now?: Date }): Promise<RecoveryBatchResult> {
  const now = opts.now ?? new Date();
  const r = await db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "RecoveryJob" WHERE id = ${opts.jobId} FOR UPDATE`;
    if (!locked) return { done: true, recovered: 0, pending: [] as string[] };
    const job = await tx.recoveryJob.findUniqueOrThrow({ where: { id: opts.jobId } });
    if (job.status === "completed" || job.status === "failed") return { done: true, recovered: 0, pending: [] };
    if (job.leaseOwner && job.leaseOwner !== opts.owner && job.leaseUntil && job.leaseUntil > now) {
      return { done: false, leasedElsewhere: true, recovered: 0, pending: [] };
    }
    const after = job.cursorCreatedAt && job.cursorId ? { createdAt: job.cursorCreatedAt, id: job.cursorId } : null;
    const batch = await tx.delivery.findMany({
      where: {
        AND: [
          failedInWindow(job),
          after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {},
        ],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: RECOVERY_BATCH,
      select: { id: true, createdAt: true },
    });
    const rearmed = await rearmForReplay(tx, batch.map((d) => d.id), `${job.requestedBy} (recovery ${job.id})`.slice(0, 300));
    const last = batch[batch.length - 1];
    const done = batch.length < RECOVERY_BATCH;
    await tx.recoveryJob.update({
      where: { id: job.id },
      data: {
        status: done ? "completed" : "running",
        processed: { increment: batch.length },
        recovered: { increment: rearmed.length },
        ...(last ? { cursorCreatedAt: last.createdAt, cursorId: last.id } : {}),
        leaseOwner: done ? null : opts.owner,
        leaseUntil: done ? null : new Date(now.getTime() + RECOVERY_LEASE_MS),
        ...(done ? { completedAt: now } : {}),
      },
    });
    return { done, recovered: rearmed.length, pending: rearmed.filter((d) => d.status === "pending").map((d) => d.id) };
  });
  await dispatchDeliveries(r.pending);
  return { done: r.done, recovered: r.recovered, ...("leasedElsewhere" in r ? { leasedElsewhere: true } : {}) };
}

/**
 * A run gave up on the job (its retries ran out): the job ends `failed` with the reason, so it is
 * not taken over again and again. What it re-armed so far stays re-armed; a new job picks up the
 * rest (they are still failed).
 */
export async function markRecoveryFailed(jobId: string, message: string): Promise<void> {
  await db.recoveryJob.updateMany({
    where: { id: jobId, status: { in: ["queued", "running"] } },
    data: { status: "failed", error: message.slice(0, 500), leaseOwner: null, leaseUntil: null, completedAt: new Date() },
  });
}

/**
 * Jobs no run is driving: queued or running, with a lease that ended (its driver was killed or
 * stopped), or never taken within a lease period (the start was lost). Ids with a generation that
 * changes each time one is taken over, for a deterministic event id.
 */
export async function findAbandonedRecoveries(now = new Date(), limit = 100): Promise<{ id: string; generation: number }[]> {
  const rows = await db.recoveryJob.findMany({
    where: {
      status: { in: ["queued", "running"] },
      OR: [
        { leaseUntil: { lt: now } },
        { leaseUntil: null, createdAt: { lt: new Date(now.getTime() - RECOVERY_LEASE_MS) } },
      ],
    },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, leaseUntil: true, createdAt: true },
  });
  return rows.map((r) => ({ id: r.id, generation: (r.leaseUntil ?? r.createdAt).getTime() }));
}

export async function getRecoveryJob(opts: Scoped & { endpointId: string; jobId: string }) {
  const job = await db.recoveryJob.findFirst({
    where: { id: opts.jobId, endpointId: opts.endpointId, orgId: opts.orgId, environment: opts.environment },
  });
  if (!job) throw new AppError("not_found", "No such recovery job for this endpoint in this environment.");
  return job;
}

export async function listRecoveryJobs(opts: Scoped & { endpointId: string; limit: number; cursor?: { createdAt: string; id: string } }) {
  await findEndpoint(db, { ...opts, id: opts.endpointId });
  return db.recoveryJob.findMany({
    where: {
      endpointId: opts.endpointId,
      orgId: opts.orgId,
      environment: opts.environment,
      ...(opts.cursor
        ? { OR: [{ createdAt: { lt: new Date(opts.cursor.createdAt) } }, { createdAt: new Date(opts.cursor.createdAt), id: { lt: opts.cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
}

export function recoveryJobView(j: RecoveryJob): RecoveryJobView {
  return {
    id: j.id,
    endpoint_id: j.endpointId,
    status: j.status,
    since: j.since.toISOString(),
    until: j.until.toISOString(),
    total: j.total,
    processed: j.processed,
    recovered: j.recovered,
    error: j.error,
    created_at: j.createdAt.toISOString(),
    completed_at: j.completedAt ? j.completedAt.toISOString() : null,
  };
}
