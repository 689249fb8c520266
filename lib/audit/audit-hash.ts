// The hash chain's arithmetic, shared by the writer and the verifier so they cannot drift apart.
// Version 2 (every row written now) is HMAC-SHA256 under a key the database does not hold, so
// whoever can write to the database still cannot edit a row and recompute a valid chain.
// Version 1 (rows written before keying) is plain SHA-256; they are still verified, and the
// first keyed row after them seals their last hash.
import { createHash, createHmac } from "node:crypto";
import { auditChainKey } from "@/lib/audit/audit-keys";

export const AUDIT_HASH_VERSION = 2;
export type AuditHashVersion = 1 | 2;

/** The fields of an AuditEvent row that its hash covers (everything except prevHash and hash). */
export type HashedAuditFields = {
  id: string;
  seq: bigint;
  orgId: string;
  environment: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
};

/**
 * Deterministic JSON: object keys sorted by code unit, no whitespace, `undefined` members left
 * out, as JSON.stringify would. The input must already be plain JSON data (see toJsonValue);
 * JSONB keeps values but not key order, which is why the order is imposed here.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * Version 2: HMAC-SHA256(audit key, prevHash + canonical JSON of the row), hex; version 1: the
 * same without the key. The first row of an org has prevHash "".
 */
export function hashAuditRow(
  row: HashedAuditFields,
  prevHash: string | null,
  version: AuditHashVersion = AUDIT_HASH_VERSION,
  key: Buffer = version === 1 ? Buffer.alloc(0) : auditChainKey(),
): string {
  const canonical = canonicalJson({
    id: row.id,
    seq: row.seq.toString(),
    orgId: row.orgId,
    environment: row.environment,
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetLabel: row.targetLabel,
    ip: row.ip,
    userAgent: row.userAgent,
    before: row.before ?? null,
    after: row.after ?? null,
    createdAt: row.createdAt.toISOString(),
  });
  const h = version === 1 ? createHash("sha256") : createHmac("sha256", key);
  return h
    .update(prevHash ?? "")
    .update(canonical)
    .digest("hex");
}
