// Writes one audit event inside the caller's transaction, so the change and its audit row
// commit (or roll back) together, and links it into the organization's hash chain.
import { randomBytes } from "node:crypto";
import { Prisma, type AuditEvent } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/client";
import { AUDIT_HASH_VERSION, hashAuditRow } from "@/lib/audit/audit-hash";
import { storableString, toJsonValue } from "@/lib/audit/redact-secrets";
import { currentRequest } from "@/lib/observability/log";

export type AuditActor = { type: "user" | "credential" | "system"; id?: string | null; label: string };
export type AuditContext = { actor: AuditActor; ip?: string | null; userAgent?: string | null };

export type RecordAuditEventInput = {
  orgId: string;
  environment?: "test" | "live" | null;
  ctx: AuditContext;
  /** `<resource>.<past-tense verb>`, e.g. "credential.revoked". */
  action: string;
  target?: { type: string; id?: string | null; label?: string | null };
  /** Snapshots of the target; secrets are redacted (see redact-secrets.ts). */
  before?: unknown;
  after?: unknown;
};

// Two-key advisory locks live in their own key space, apart from single-key ones such as the
// migrator's; this first key reserves the space for the audit chain.
const AUDIT_LOCK_SPACE = 0x61756474; // "audt"

const MAX_TEXT = 1024;

function text(s: string | null | undefined, max = MAX_TEXT): string | null {
  if (s === null || s === undefined || s === "") return null;
  return storableString(s).slice(0, max);
}

// The id is part of the hashed row, so it is made here rather than by Prisma's default;
// same shape as a cuid ("c" + time + randomness), sortable by creation time.
function newId(): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const rand = BigInt(`0x${randomBytes(10).toString("hex")}`).toString(36).padStart(16, "0").slice(-16);
  return `c${time}${rand}`;
}

function jsonColumn(v: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  // Absent and JSON null are both stored as SQL NULL and hashed as null.
  const j = toJsonValue(v);
  return j === undefined || j === null ? Prisma.DbNull : (j as Prisma.InputJsonValue);
}

/**
 * Appends an audit event for `orgId`. Call it inside the transaction that makes the change
 * (`db.$transaction(async (tx) => { ...; await recordAuditEvent(tx, {...}) })`), at the default
 * READ COMMITTED isolation. Holds a per-org lock until that transaction ends, so call it late.
 */
export async function recordAuditEvent(tx: Tx, input: RecordAuditEventInput): Promise<AuditEvent> {
  const { orgId, ctx } = input;
  // The full client type-checks as a Tx too (a transaction client merely lacks $connect), but
  // outside a transaction the lock below would be released at once and the chain could fork.
  if (typeof (tx as { $connect?: unknown }).$connect === "function") {
    throw new Error("recordAuditEvent must be called inside db.$transaction");
  }
  if (!/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/.test(input.action)) {
    // A programming error, not user input: actions are constants in the calling code.
    throw new Error(`Invalid audit action "${input.action}": use <resource>.<verb>, lowercase`);
  }

  // Serialises writers per organization until this transaction ends, so two events can never
  // both link to the same predecessor. Other organizations are not blocked.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_SPACE}::int4, hashtext(${orgId}))`;

  // The sequence value is taken under the lock, so within an org seq order is chain order.
  const [head] = await tx.$queryRaw<{ prev: string | null; seq: bigint; iso: string }[]>`
    SELECT
      (SELECT "hash" FROM "AuditEvent" WHERE "orgId" = ${orgId} ORDER BY "seq" DESC LIMIT 1) AS prev,
      nextval(pg_get_serial_sequence('"AuditEvent"', 'seq')) AS seq,
      current_setting('transaction_isolation') AS iso`;
  if (!head) throw new Error("Could not read the audit chain head");
  // Only READ COMMITTED reads the head as committed by the previous lock holder; a snapshot
  // taken earlier in the transaction (REPEATABLE READ, SERIALIZABLE) could miss it and fork.
  if (head.iso !== "read committed") {
    throw new Error(`recordAuditEvent needs a READ COMMITTED transaction, not ${head.iso}`);
  }

  const before = jsonColumn(input.before);
  const after = jsonColumn(input.after);
  const row = {
    id: newId(),
    seq: BigInt(head.seq),
    orgId,
    environment: input.environment ?? null,
    actorType: ctx.actor.type,
    actorId: text(ctx.actor.id),
    actorLabel: text(ctx.actor.label) ?? ctx.actor.type,
    action: input.action,
    targetType: text(input.target?.type),
    targetId: text(input.target?.id),
    targetLabel: text(input.target?.label),
    ip: text(ctx.ip, 64),
    userAgent: text(ctx.userAgent),
    createdAt: new Date(), // millisecond precision, as the column stores it
    prevHash: head.prev,
  };
  const hash = hashAuditRow(
    { ...row, before: before === Prisma.DbNull ? null : before, after: after === Prisma.DbNull ? null : after },
    head.prev,
    AUDIT_HASH_VERSION,
  );
  const created = await tx.auditEvent.create({ data: { ...row, before, after, hash, hashVersion: AUDIT_HASH_VERSION } });
  // A request sent with an Idempotency-Key: its claim names the first change it committed, in
  // this same transaction (a later one of the same request finds it named already).
  const claim = currentRequest()?.idempotencyClaimId;
  if (claim) {
    await tx.$executeRaw`UPDATE "IdempotencyKey" SET "resourceRef" = ${`audit:${created.id}`}
                          WHERE "id" = ${claim} AND "responseStatus" = 0 AND "resourceRef" IS NULL`;
  }
  return created;
}
