// Create, regenerate, revoke and list OAuth client credentials. Each change writes its
// audit entry in the same transaction.
import { flushExchangeRecords } from "@/lib/credentials/exchange-records";
import { AppError } from "@/lib/api/errors";
import { assertNotRegeneratedMeanwhile } from "@/lib/api/regenerated-meanwhile";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { sha256 } from "@/lib/credentials/hash";
import { carryOverGraceSecrets } from "@/lib/crypto/grace-secrets";
import { BUILT_IN_SCOPES, isBuiltInScope } from "@/lib/credentials/scopes";
import { generateSecret } from "@/lib/credentials/secret-format";
import { forgetTokensEverywhere } from "@/lib/credentials/token-cache";
import { issuanceCounts } from "@/lib/credentials/issuance-quota";
import { busiestAddressLastHour, secretUsage } from "@/lib/credentials/secret-usage";
import { credentialView } from "@/lib/credentials/views";
import { db, type Tx } from "@/lib/db/client";
import type { Environment, Role } from "@/lib/generated/prisma/client";
import { assertWithinPolicy } from "@/lib/credentials/credential-policy";

type Scoped = { orgId: string; environment: Environment };

export async function assertKnownScopes(tx: Tx, orgId: string, scopes: string[]) {
  const custom = scopes.filter((s) => !isBuiltInScope(s));
  if (!custom.length) return;
  const found = await tx.customScope.findMany({ where: { orgId, name: { in: custom } }, select: { name: true } });
  const known = new Set(found.map((s) => s.name));
  const errors = scopes
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !isBuiltInScope(s) && !known.has(s))
    .map(({ s, i }) => ({ field: `scopes[${i}]`, message: `unknown scope "${s}"; define it under Scopes first` }));
  if (errors.length) throw new AppError("validation_failed", errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors });
}

export async function createCredential(opts: Scoped & {
  name: string;
  scopes: string[];
  expiresAt: Date | null;
  tokenLifetimeSeconds: number;
  tokensPerHour?: number | null;
  tokensPerDay?: number | null;
  createdById: string | null;
  /** The creator's role (console sessions): the policy may let developers create test credentials. */
  role?: Role | null;
  ctx: AuditContext;
}) {
  const secret = generateSecret("clientSecret", opts.environment);
  const clientId = generateSecret("clientId", opts.environment);
  const scopes = [...new Set(opts.scopes)];
  const credential = await db.$transaction(async (tx) => {
    await assertKnownScopes(tx, opts.orgId, scopes);
    await assertWithinPolicy(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      role: opts.role ?? null,
      credential: { scopes, expiresAt: opts.expiresAt, tokenLifetimeSeconds: opts.tokenLifetimeSeconds },
    });
    const c = await tx.credential.create({
      data: {
        orgId: opts.orgId,
        environment: opts.environment,
        name: opts.name,
        clientId,
        secretHash: sha256(secret),
        secretLast4: secret.slice(-4),
        scopes,
        expiresAt: opts.expiresAt,
        tokenLifetimeSeconds: opts.tokenLifetimeSeconds,
        tokensPerHour: opts.tokensPerHour ?? null,
        tokensPerDay: opts.tokensPerDay ?? null,
        createdById: opts.createdById,
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "credential.created",
      target: { type: "credential", id: c.id, label: c.name },
      after: {
        name: c.name, client_id: c.clientId, scopes, expires_at: c.expiresAt, token_lifetime_seconds: c.tokenLifetimeSeconds,
        ...(c.tokensPerHour || c.tokensPerDay ? { tokens_per_hour: c.tokensPerHour, tokens_per_day: c.tokensPerDay } : {}),
      },
    });
    return c;
  });
  return { credential, secret };
}

async function findCredential(tx: Tx | typeof db, s: Scoped & { id: string }) {
  const c = await tx.credential.findFirst({ where: { id: s.id, orgId: s.orgId, environment: s.environment } });
  if (!c) throw new AppError("not_found", "No such credential in this environment.");
  return c;
}

/** Concurrent regenerations: one wins, the others get 409 (lib/api/regenerated-meanwhile.ts). */
export async function regenerateSecret(opts: Scoped & { id: string; graceSeconds: number; endGraceWhenUnusedSeconds?: number | null; ctx: AuditContext }) {
  const secret = generateSecret("clientSecret", opts.environment);
  const seen = await findCredential(db, opts);
  const credential = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Credential" WHERE id = ${opts.id} FOR UPDATE`;
    const c = await findCredential(tx, opts);
    assertNotRegeneratedMeanwhile({ changed: c.secretHash !== seen.secretHash, lastAt: c.secretRegeneratedAt, what: "secret" });
    if (c.status === "revoked") throw new AppError("conflict", "This credential is revoked; create a new one instead.");
    const until = opts.graceSeconds > 0 ? new Date(Date.now() + opts.graceSeconds * 1000) : null;
    const updated = await tx.credential.update({
      where: { id: c.id },
      data: {
        secretHash: sha256(secret),
        secretLast4: secret.slice(-4),
        previousSecretHash: until ? c.secretHash : null,
        previousSecretUntil: until,
        previousSecretLast4: until ? c.secretLast4 : null,
        graceEndsWhenUnusedSeconds: until ? (opts.endGraceWhenUnusedSeconds ?? null) : null,
        // With a grace period, older secrets still in theirs keep working too; without, all stop now.
        olderSecrets: until ? carryOverGraceSecrets({ value: c.previousSecretHash, until: c.previousSecretUntil }, c.olderSecrets) : [],
        secretRegeneratedAt: new Date(),
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "credential.secret_regenerated",
      target: { type: "credential", id: c.id, label: c.name },
      before: { secret_last4: c.secretLast4 },
      after: {
        secret_last4: updated.secretLast4,
        old_secret_valid_until: until?.toISOString() ?? "now",
        ...(updated.graceEndsWhenUnusedSeconds ? { grace_ends_when_unused_hours: updated.graceEndsWhenUnusedSeconds / 3600 } : {}),
      },
    });
    return updated;
  });
  await forgetTokensEverywhere(); // the old secret stops working on the next exchange (unless a grace period keeps it)
  return { credential, secret };
}

/** Immediate: the credential and every token issued with it stop working on their next use. */
export async function revokeCredential(opts: Scoped & { id: string; ctx: AuditContext }) {
  const revoked = await db.$transaction(async (tx) => {
    const c = await findCredential(tx, opts);
    if (c.status === "revoked") return c;
    const now = new Date();
    const updated = await tx.credential.update({
      where: { id: c.id },
      data: { status: "revoked", revokedAt: now, previousSecretHash: null, previousSecretUntil: null, previousSecretLast4: null, olderSecrets: [], graceEndsWhenUnusedSeconds: null },
    });
    await tx.accessToken.updateMany({ where: { credentialId: c.id, revokedAt: null }, data: { revokedAt: now } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "credential.revoked",
      target: { type: "credential", id: c.id, label: c.name },
      before: { status: "active" },
      after: { status: "revoked" },
    });
    return updated;
  });
  await forgetTokensEverywhere();
  return revoked;
}

export async function listCredentials(s: Scoped & { limit: number; cursor?: { createdAt: string; id: string } }) {
  return db.credential.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.cursor
        ? {
            OR: [
              { createdAt: { lt: new Date(s.cursor.createdAt) } },
              { createdAt: new Date(s.cursor.createdAt), id: { lt: s.cursor.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
  });
}

export async function getCredentialDetail(s: Scoped & { id: string }) {
  const c = await findCredential(db as unknown as Tx, s);
  const now = new Date();
  // This process's tokens are written behind their answers (exchange-records.ts): count them too.
  await flushExchangeRecords().catch(() => {});
  const [issued, active, recentAudit, secrets, counts, busiest] = await Promise.all([
    db.accessToken.count({ where: { credentialId: c.id } }),
    db.accessToken.count({ where: { credentialId: c.id, revokedAt: null, expiresAt: { gt: now } } }),
    db.auditEvent.findMany({
      where: { orgId: s.orgId, targetType: "credential", targetId: c.id },
      orderBy: { seq: "desc" },
      take: 50,
    }),
    secretUsage(c, now),
    issuanceCounts(c.id),
    busiestAddressLastHour(c.id, now),
  ]);
  // "Far more often than their lifetime": ten times what one client caching its tokens would need.
  const needed = Math.max(1, Math.ceil(3600 / c.tokenLifetimeSeconds));
  const cacheHint =
    busiest && busiest.count >= 10 * needed
      ? { address: busiest.ip, exchanges_last_hour: busiest.count, token_lifetime_seconds: c.tokenLifetimeSeconds }
      : null;
  return {
    ...credentialView(c),
    usage: { tokens_issued: issued, active_tokens: active },
    secret_usage: secrets,
    issued: { this_hour: counts.hour, today: counts.day },
    cache_hint: cacheHint,
    audit: recentAudit.map((a) => ({
      id: a.id,
      action: a.action,
      actor: a.actorLabel,
      ip: a.ip,
      created_at: a.createdAt.toISOString(),
    })),
  };
}

export async function listScopes(orgId: string) {
  const custom = await db.customScope.findMany({ where: { orgId }, orderBy: { name: "asc" } });
  return [
    ...BUILT_IN_SCOPES.map((s) => ({ name: s.name, description: s.description, built_in: true })),
    ...custom.map((s) => ({ name: s.name, description: s.description, built_in: false })),
  ];
}

export async function createScope(opts: { orgId: string; name: string; description: string; ctx: AuditContext }) {
  if (isBuiltInScope(opts.name)) {
    throw new AppError("conflict", "That is a built-in scope.", { errors: [{ field: "name", message: "is built in" }] });
  }
  return db.$transaction(async (tx) => {
    const s = await tx.customScope.create({ data: { orgId: opts.orgId, name: opts.name, description: opts.description } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "scope.created",
      target: { type: "scope", id: s.id, label: s.name },
      after: { name: s.name, description: s.description },
    });
    return s;
  });
}
