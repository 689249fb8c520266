// Edits a credential: name, scopes, expiry, issuance quota, keys only. Audited, one entry per
// kind of change. Keys only (secrets refused, only private_key_jwt authenticates) needs a
// registered public key: without one the credential could not authenticate at all.
// Scopes apply from the next token exchange: tokens already issued keep the scopes they were
// issued with until they expire (the same as a regeneration; revoke to cut them off at once).
// New scopes and a new expiry must be known and within the organization's credential policy.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { policyBreaches, getCredentialPolicy } from "@/lib/credentials/credential-policy";
import { assertKnownScopes } from "@/lib/credentials/manage-credentials";
import { forgetTokensEverywhere } from "@/lib/credentials/token-cache";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";

export async function updateCredential(opts: {
  orgId: string;
  environment: Environment;
  id: string;
  name?: string;
  scopes?: string[];
  expiresAt?: Date | null;
  tokensPerHour?: number | null;
  tokensPerDay?: number | null;
  keysOnly?: boolean;
  ctx: AuditContext;
}) {
  const credential = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Credential" WHERE id = ${opts.id} FOR UPDATE`;
    const c = await tx.credential.findFirst({ where: { id: opts.id, orgId: opts.orgId, environment: opts.environment } });
    if (!c) throw new AppError("not_found", "No such credential in this environment.");
    if (c.status === "revoked") throw new AppError("conflict", "This credential is revoked.");
    const scopes = opts.scopes ? [...new Set(opts.scopes)] : undefined;
    if (scopes) await assertKnownScopes(tx, opts.orgId, scopes);
    if (scopes || opts.expiresAt !== undefined) {
      // Only what changes is held to the policy: an old expiry the policy no longer allows is
      // listed on the General page, not a reason to refuse a rename.
      const breaches = policyBreaches(
        await getCredentialPolicy(opts.orgId, tx),
        { scopes: scopes ?? [], expiresAt: opts.expiresAt !== undefined ? opts.expiresAt : new Date(), tokenLifetimeSeconds: c.tokenLifetimeSeconds },
        new Date(),
      ).filter((b) => (b.field === "expires_at" && opts.expiresAt !== undefined) || (b.field.startsWith("scopes") && scopes));
      if (breaches.length) {
        throw new AppError("validation_failed", `Outside the organization's credential policy: ${breaches.map((b) => `${b.field}: ${b.message}`).join("; ")}`, {
          errors: breaches.map((b) => ({ field: b.field, message: `${b.message} [policy: ${b.policy}]` })),
        });
      }
    }
    if (opts.keysOnly && !c.keysOnly && !c.jwks && !c.jwksUrl) {
      throw new AppError("validation_failed", "keys_only: register a public key (a JWK or a JWKS URL) first; without one no client could authenticate.", {
        errors: [{ field: "keys_only", message: "needs a registered public key (client-keys)" }],
      });
    }
    if (opts.expiresAt && opts.expiresAt.getTime() <= Date.now()) {
      throw new AppError("validation_failed", "expires_at: must be in the future", { errors: [{ field: "expires_at", message: "must be in the future" }] });
    }
    const updated = await tx.credential.update({
      where: { id: c.id },
      data: {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(scopes ? { scopes } : {}),
        ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
        ...(opts.tokensPerHour !== undefined ? { tokensPerHour: opts.tokensPerHour } : {}),
        ...(opts.tokensPerDay !== undefined ? { tokensPerDay: opts.tokensPerDay } : {}),
        ...(opts.keysOnly !== undefined ? { keysOnly: opts.keysOnly } : {}),
      },
    });
    const target = { type: "credential", id: c.id, label: updated.name };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (updated.name !== c.name) [before.name, after.name] = [c.name, updated.name];
    if (updated.scopes.join(" ") !== c.scopes.join(" ")) [before.scopes, after.scopes] = [c.scopes, updated.scopes];
    if ((updated.expiresAt?.getTime() ?? null) !== (c.expiresAt?.getTime() ?? null)) {
      [before.expires_at, after.expires_at] = [c.expiresAt?.toISOString() ?? null, updated.expiresAt?.toISOString() ?? null];
    }
    if (Object.keys(after).length) {
      await recordAuditEvent(tx, { orgId: opts.orgId, environment: opts.environment, ctx: opts.ctx, action: "credential.updated", target, before, after });
    }
    if (updated.tokensPerHour !== c.tokensPerHour || updated.tokensPerDay !== c.tokensPerDay) {
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: "credential.quota_changed",
        target,
        before: { tokens_per_hour: c.tokensPerHour, tokens_per_day: c.tokensPerDay },
        after: { tokens_per_hour: updated.tokensPerHour, tokens_per_day: updated.tokensPerDay },
      });
    }
    if (updated.keysOnly !== c.keysOnly) {
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: updated.keysOnly ? "credential.secrets_disabled" : "credential.secrets_enabled",
        target,
        before: { keys_only: c.keysOnly },
        after: { keys_only: updated.keysOnly },
      });
    }
    return updated;
  });
  // Every process drops what it cached about this credential's tokens and limits.
  await forgetTokensEverywhere();
  return credential;
}
