// Reads an organization's audit log for the console, the API and exports.
import type { AuditEvent, Prisma } from "@/lib/generated/prisma/client";
import type { Db, Tx } from "@/lib/db/client";
import { decodeAuditCursor, encodeAuditCursor } from "@/lib/audit/audit-cursor";
import type { AuditEventView } from "@/lib/validations/audit";

export type AuditEventFilters = {
  orgId: string;
  /** Case-insensitive substring of the actor's label or id. */
  actor?: string;
  /** Only changes made with this credential's access tokens (actor type credential, this id). */
  causedByCredential?: string;
  /** An exact action, or a prefix when it ends with "." ("member." → member.invited, ...). */
  action?: string;
  targetId?: string;
  /** Inclusive bounds on createdAt. */
  from?: Date;
  to?: Date;
  /** Exact match; organization-wide events (no environment) are then left out. */
  environment?: "test" | "live";
  /**
   * Confines the read to one environment's events plus organization-wide ones (no environment):
   * what an API token of that environment may see (lib/api/environment-scope.ts).
   */
  confineTo?: "test" | "live";
};

export type ListAuditEventsOptions = AuditEventFilters & { limit?: number; cursor?: string };

/** Thrown when a cursor was not produced by this list; the validation schema rejects it first. */
export class InvalidAuditCursorError extends Error {
  constructor() {
    super("Invalid cursor");
    this.name = "InvalidAuditCursorError";
  }
}

function whereFor(f: AuditEventFilters): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = { orgId: f.orgId };
  if (f.actor) {
    where.OR = [
      { actorLabel: { contains: f.actor, mode: "insensitive" } },
      { actorId: { contains: f.actor, mode: "insensitive" } },
    ];
  }
  if (f.causedByCredential) {
    where.actorType = "credential";
    where.actorId = f.causedByCredential;
  }
  if (f.action) where.action = f.action.endsWith(".") ? { startsWith: f.action } : f.action;
  if (f.targetId) where.targetId = f.targetId;
  if (f.from || f.to) where.createdAt = { ...(f.from && { gte: f.from }), ...(f.to && { lte: f.to }) };
  if (f.environment) where.environment = f.environment;
  if (f.confineTo) where.AND = [{ OR: [{ environment: f.confineTo }, { environment: null }] }];
  return where;
}

/** The API shape of a stored row. */
export function toAuditEventView(e: AuditEvent): AuditEventView {
  return {
    id: e.id,
    seq: e.seq.toString(),
    action: e.action,
    actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
    target: e.targetType === null ? null : { type: e.targetType, id: e.targetId, label: e.targetLabel },
    environment: e.environment,
    ip: e.ip,
    user_agent: e.userAgent,
    before: e.before ?? null,
    after: e.after ?? null,
    created_at: e.createdAt.toISOString(),
    hash: e.hash,
    prev_hash: e.prevHash,
  };
}

async function page(db: Db | Tx, f: AuditEventFilters, take: number, beforeSeq: bigint | null) {
  const where = whereFor(f);
  if (beforeSeq !== null) where.seq = { lt: beforeSeq };
  return db.auditEvent.findMany({ where, orderBy: { seq: "desc" }, take });
}

/** One page of audit events, newest first. */
export async function listAuditEvents(
  db: Db | Tx,
  opts: ListAuditEventsOptions,
): Promise<{ data: AuditEventView[]; next_cursor: string | null }> {
  const limit = Math.min(100, Math.max(1, Math.trunc(opts.limit ?? 50)));
  let beforeSeq: bigint | null = null;
  if (opts.cursor) {
    beforeSeq = decodeAuditCursor(opts.cursor);
    if (beforeSeq === null) throw new InvalidAuditCursorError();
  }
  const rows = await page(db, opts, limit + 1, beforeSeq); // one extra row says whether more exist
  const more = rows.length > limit;
  const data = rows.slice(0, limit);
  return {
    data: data.map(toAuditEventView),
    next_cursor: more ? encodeAuditCursor(data[data.length - 1]!.seq) : null,
  };
}

/** Every matching event, newest first, fetched `batchSize` rows at a time (bounded memory). */
export async function* iterateAuditEvents(
  db: Db | Tx,
  filters: AuditEventFilters,
  batchSize = 500,
): AsyncGenerator<AuditEventView, void, undefined> {
  let beforeSeq: bigint | null = null;
  for (;;) {
    const rows = await page(db, filters, batchSize, beforeSeq);
    for (const row of rows) yield toAuditEventView(row);
    if (rows.length < batchSize) return;
    beforeSeq = rows[rows.length - 1]!.seq;
  }
}
