// Ends a credential's rotation grace period now: every old secret (the previous one and older
// ones still in their grace) stops working at once; only the current secret remains. By an admin
// ("End grace period now" on the credential page, POST /api/v1/credentials/{id}/end-grace-period),
// or by the system once the old secrets have been unused for the time chosen at regeneration.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { oldSecretsLastUsedAt } from "@/lib/credentials/secret-usage";
import { forgetTokensEverywhere } from "@/lib/credentials/token-cache";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { db, type Tx } from "@/lib/db/client";
import type { Credential, Environment } from "@/lib/generated/prisma/client";

function graceRunning(c: Credential, now: Date): boolean {
  return (!!c.previousSecretHash && !!c.previousSecretUntil && c.previousSecretUntil > now) || liveGraceSecrets(c.olderSecrets, now).length > 0;
}

/** Inside the caller's transaction, on a row it has locked: clears the old secrets and audits it. */
export async function applyEndGracePeriod(
  tx: Tx,
  c: Credential,
  opts: { ctx: AuditContext; now: Date; reason: "admin" | "unused"; oldLastUsedAt?: Date | null },
): Promise<Credential> {
  const updated = await tx.credential.update({
    where: { id: c.id },
    data: { previousSecretHash: null, previousSecretUntil: null, previousSecretLast4: null, olderSecrets: [], graceEndsWhenUnusedSeconds: null },
  });
  await recordAuditEvent(tx, {
    orgId: c.orgId,
    environment: c.environment,
    ctx: opts.ctx,
    action: "credential.grace_period_ended",
    target: { type: "credential", id: c.id, label: c.name },
    before: {
      old_secret_valid_until: c.previousSecretUntil?.toISOString() ?? null,
      older_secrets: liveGraceSecrets(c.olderSecrets, opts.now).length,
    },
    after: {
      old_secret_valid_until: "now",
      reason: opts.reason === "admin" ? "ended by an admin" : `old secrets unused for ${Math.round((c.graceEndsWhenUnusedSeconds ?? 0) / 3600)} h`,
      ...(opts.oldLastUsedAt !== undefined ? { old_secret_last_used_at: opts.oldLastUsedAt?.toISOString() ?? null } : {}),
    },
  });
  return updated;
}

/** 409 when no grace period is running. */
export async function endGracePeriod(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext; now?: Date }) {
  const now = opts.now ?? new Date();
  const credential = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Credential" WHERE id = ${opts.id} FOR UPDATE`;
    const c = await tx.credential.findFirst({ where: { id: opts.id, orgId: opts.orgId, environment: opts.environment } });
    if (!c) throw new AppError("not_found", "No such credential in this environment.");
    if (!graceRunning(c, now)) throw new AppError("conflict", "No grace period is running: only the current secret works.");
    return applyEndGracePeriod(tx, c, { ctx: opts.ctx, now, reason: "admin" });
  });
  await forgetTokensEverywhere(); // the old secrets stop working on the next exchange
  return credential;
}

const SYSTEM: AuditContext = { actor: { type: "system", label: "Gatehouse (grace period unused)" } };

/**
 * Ends the grace periods whose old secrets have been unused for the time chosen at regeneration
 * (counted from their last use, or from the regeneration if they were never used since). Run
 * periodically (inngest/functions/end-unused-grace-periods.ts); `now` is injectable for tests.
 */
export async function endUnusedGracePeriods(now = new Date()): Promise<string[]> {
  const candidates = await db.credential.findMany({
    where: { status: "active", graceEndsWhenUnusedSeconds: { not: null }, previousSecretUntil: { gt: now } },
    take: 500,
  });
  const ended: string[] = [];
  for (const seen of candidates) {
    const lastUsed = await oldSecretsLastUsedAt(seen, now);
    const since = lastUsed ?? seen.secretRegeneratedAt ?? seen.updatedAt;
    if (now.getTime() - since.getTime() < seen.graceEndsWhenUnusedSeconds! * 1000) continue;
    const done = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Credential" WHERE id = ${seen.id} FOR UPDATE`;
      const c = await tx.credential.findUnique({ where: { id: seen.id } });
      // Changed meanwhile (regenerated again, ended by hand): leave it to the next run.
      if (!c || c.secretHash !== seen.secretHash || !c.graceEndsWhenUnusedSeconds || !graceRunning(c, now)) return false;
      await applyEndGracePeriod(tx, c, { ctx: SYSTEM, now, reason: "unused", oldLastUsedAt: lastUsed });
      return true;
    });
    if (done) ended.push(seen.id);
  }
  if (ended.length) await forgetTokensEverywhere();
  return ended;
}
