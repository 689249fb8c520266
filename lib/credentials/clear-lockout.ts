// An admin clears a credential's wrong-secret lockout (lockout.ts): the lock and every count of
// wrong secrets (the client ID's and its known addresses') start again from zero. Audited.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { forgetTokensEverywhere } from "@/lib/credentials/token-cache";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

/** 409 when the credential is not locked out. */
export async function clearLockout(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  const now = new Date();
  const credential = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Credential" WHERE id = ${opts.id} FOR UPDATE`;
    const c = await tx.credential.findFirst({ where: { id: opts.id, orgId: opts.orgId, environment: opts.environment } });
    if (!c) throw new AppError("not_found", "No such credential in this environment.");
    if (!c.lockedUntil || c.lockedUntil <= now) throw new AppError("conflict", "This credential is not locked out.");
    const updated = await tx.credential.update({ where: { id: c.id }, data: { lockedUntil: null } });
    await tx.$executeRaw`DELETE FROM "SignInThrottle" WHERE "key" = ${`oauth:client:${c.id}`} OR "key" LIKE ${`oauth:known:${c.id}:%`}`;
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "credential.lockout_cleared",
      target: { type: "credential", id: c.id, label: c.name },
      before: { locked_until: c.lockedUntil.toISOString() },
      after: { locked_until: null },
    });
    return updated;
  });
  await forgetTokensEverywhere();
  return credential;
}
