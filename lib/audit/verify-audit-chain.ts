// Recomputes an organization's audit hash chain from the stored rows.
import type { AuditEvent } from "@/lib/generated/prisma/client";
import type { Db, Tx } from "@/lib/db/client";
import { hashAuditRow } from "@/lib/audit/audit-hash";
import { auditChainKey } from "@/lib/audit/audit-keys";
import type { AuditChainVerificationView } from "@/lib/validations/audit";

export type AuditChainVerification = {
  ok: boolean;
  /** Rows found intact, in chain order, before the first broken one (all rows when ok). */
  count: number;
  firstBroken?: { id: string; seq: string; reason: "hash_mismatch" | "prev_mismatch" | "unkeyed_after_keyed" };
  /** Rows hashed without the key (written before keying); absent when none. */
  unkeyed?: number;
  /**
   * The newest row's seq and hash when ok. Deleting the newest rows leaves a valid shorter
   * chain, so recording the head elsewhere (a ticket, a log) makes truncation detectable too.
   */
  head?: { seq: string; hash: string } | null;
};

/**
 * Walks the chain in seq order in batches (default 500; memory stays bounded on long histories) and
 * stops at the first row whose prevHash is not its predecessor's hash (a row removed, inserted
 * or reordered: "prev_mismatch") or whose hash does not match its content ("hash_mismatch").
 * Keyed rows (hashVersion 2) need the audit key to recompute; an unkeyed row after a keyed one is
 * a forgery ("unkeyed_after_keyed"): keying only ever starts, it never stops.
 */
export async function verifyAuditChain(
  db: Db | Tx,
  orgId: string,
  { batchSize = 500 }: { batchSize?: number } = {},
): Promise<AuditChainVerification> {
  let prevHash: string | null = null;
  let lastSeq: bigint | null = null;
  let count = 0;
  let unkeyed = 0;
  let keyedSeen = false;
  const key = auditChainKey();
  for (;;) {
    const rows: AuditEvent[] = await db.auditEvent.findMany({
      where: { orgId, ...(lastSeq === null ? {} : { seq: { gt: lastSeq } }) },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, count, firstBroken: { id: row.id, seq: row.seq.toString(), reason: "prev_mismatch" } };
      }
      const version = row.hashVersion === 1 ? 1 : 2;
      if (version === 1 && keyedSeen) {
        return { ok: false, count, firstBroken: { id: row.id, seq: row.seq.toString(), reason: "unkeyed_after_keyed" } };
      }
      if (row.hashVersion !== version || hashAuditRow(row, row.prevHash, version, key) !== row.hash) {
        return { ok: false, count, firstBroken: { id: row.id, seq: row.seq.toString(), reason: "hash_mismatch" } };
      }
      if (version === 1) unkeyed++;
      else keyedSeen = true;
      prevHash = row.hash;
      lastSeq = row.seq;
      count++;
    }
    if (rows.length < batchSize) break;
  }
  return {
    ok: true,
    count,
    head: lastSeq === null || prevHash === null ? null : { seq: lastSeq.toString(), hash: prevHash },
    ...(unkeyed ? { unkeyed } : {}),
  };
}

/** The API shape (snake_case) of a verification result. */
export function toAuditChainVerificationView(v: AuditChainVerification): AuditChainVerificationView {
  return { ok: v.ok, count: v.count, first_broken: v.firstBroken ?? null, head: v.head ?? null, unkeyed_count: v.unkeyed ?? 0 };
}
