// Signed checkpoints of an organization's audit chain head. Deleting the newest rows (with the
// triggers disabled) leaves a shorter chain that still verifies; a checkpoint kept outside
// Gatehouse names the head as it was, signed with a key the database does not hold, so such a
// truncation (or any rewrite up to that point) shows when the checkpoint is checked again.
import { sign, verify } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { canonicalJson } from "@/lib/audit/audit-hash";
import { auditCheckpointKeys } from "@/lib/audit/audit-keys";
import { toAuditChainVerificationView, verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import type { Db, Tx } from "@/lib/db/client";
import type { AuditCheckpoint, AuditCheckpointVerificationView } from "@/lib/validations/audit";

type Signed = Omit<AuditCheckpoint, "signature" | "public_key">;

function signedBytes(cp: Signed): Buffer {
  const { version, org_id, seq, id, hash, count, created_at, key_id, algorithm } = cp;
  return Buffer.from(canonicalJson({ version, org_id, seq, id, hash, count, created_at, key_id, algorithm }), "utf8");
}

/** Verifies the chain, then signs its head. A broken chain gets no checkpoint (409). */
export async function createAuditCheckpoint(db: Db | Tx, orgId: string, now = new Date()): Promise<AuditCheckpoint> {
  const chain = await verifyAuditChain(db, orgId);
  if (!chain.ok) {
    throw new AppError(
      "conflict",
      `The audit chain is broken at entry #${chain.firstBroken?.seq} (${chain.firstBroken?.reason}); a checkpoint would vouch for it, so none was made.`,
    );
  }
  const head = chain.head ? await db.auditEvent.findUnique({ where: { orgId_seq: { orgId, seq: BigInt(chain.head.seq) } }, select: { id: true } }) : null;
  const keys = auditCheckpointKeys();
  const body: Signed = {
    version: 1,
    org_id: orgId,
    seq: chain.head?.seq ?? null,
    id: head?.id ?? null,
    hash: chain.head?.hash ?? null,
    count: chain.count,
    created_at: now.toISOString(),
    key_id: keys.keyId,
    algorithm: "Ed25519",
  };
  return {
    ...body,
    public_key: keys.publicKeyRaw.toString("base64url"),
    signature: sign(null, signedBytes(body), keys.privateKey).toString("base64url"),
  };
}

/** Whether this Gatehouse signed `cp` as it stands (the embedded public key is not trusted). */
export function checkpointSignatureValid(cp: AuditCheckpoint): boolean {
  const keys = auditCheckpointKeys();
  if (cp.key_id !== keys.keyId) return false;
  try {
    return verify(null, signedBytes(cp), keys.publicKey, Buffer.from(cp.signature, "base64url"));
  } catch {
    return false;
  }
}

/** Checks a checkpoint against the current log of `orgId`. */
export async function verifyAuditCheckpoint(db: Db | Tx, orgId: string, cp: AuditCheckpoint): Promise<AuditCheckpointVerificationView> {
  const signatureValid = checkpointSignatureValid(cp);
  const chain = await verifyAuditChain(db, orgId);
  const result = (problem: AuditCheckpointVerificationView["problem"], since: number | null = null): AuditCheckpointVerificationView => ({
    ok: problem === null,
    signature_valid: signatureValid,
    problem,
    events_since_checkpoint: problem === null ? since : null,
    chain: toAuditChainVerificationView(chain),
  });
  if (!signatureValid) return result("bad_signature");
  if (cp.org_id !== orgId) return result("other_organization");
  if (!chain.ok) return result("chain_broken");
  if (cp.seq !== null) {
    const row = await db.auditEvent.findUnique({ where: { orgId_seq: { orgId, seq: BigInt(cp.seq) } }, select: { id: true, hash: true } });
    if (!row || row.id !== cp.id || row.hash !== cp.hash) return result("head_missing");
    const upTo = await db.auditEvent.count({ where: { orgId, seq: { lte: BigInt(cp.seq) } } });
    if (upTo !== cp.count) return result("count_mismatch");
  } else if (cp.count !== 0) {
    return result("count_mismatch");
  }
  return result(null, chain.count - cp.count);
}
