// Sets or removes a credential's issuance quota (tokens per UTC hour and day). Audited; the token
// endpoint applies it from its next exchange (within a second in other processes: token-cache.ts).
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { forgetTokens } from "@/lib/credentials/token-cache";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

export async function updateCredentialLimits(opts: {
  orgId: string;
  environment: Environment;
  id: string;
  tokensPerHour?: number | null;
  tokensPerDay?: number | null;
  ctx: AuditContext;
}) {
  const credential = await db.$transaction(async (tx) => {
    const c = await tx.credential.findFirst({ where: { id: opts.id, orgId: opts.orgId, environment: opts.environment } });
    if (!c) throw new AppError("not_found", "No such credential in this environment.");
    if (c.status === "revoked") throw new AppError("conflict", "This credential is revoked.");
    const data = {
      ...(opts.tokensPerHour !== undefined ? { tokensPerHour: opts.tokensPerHour } : {}),
      ...(opts.tokensPerDay !== undefined ? { tokensPerDay: opts.tokensPerDay } : {}),
    };
    const updated = await tx.credential.update({ where: { id: c.id }, data });
    if (updated.tokensPerHour !== c.tokensPerHour || updated.tokensPerDay !== c.tokensPerDay) {
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: "credential.quota_changed",
        target: { type: "credential", id: c.id, label: c.name },
        before: { tokens_per_hour: c.tokensPerHour, tokens_per_day: c.tokensPerDay },
        after: { tokens_per_hour: updated.tokensPerHour, tokens_per_day: updated.tokensPerDay },
      });
    }
    return updated;
  });
  forgetTokens();
  return credential;
}
