import type { Credential } from "@/lib/generated/prisma/client";
import type { CredentialView } from "@/lib/validations/credentials";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { clientKeysView } from "@/lib/credentials/client-keys";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function credentialStatus(c: Credential, now = new Date()): CredentialView["status"] {
  if (c.status === "revoked") return "revoked";
  if (c.expiresAt && c.expiresAt <= now) return "expired";
  return "active";
}

export function credentialView(c: Credential): CredentialView {
  const graceRunning = c.previousSecretUntil && c.previousSecretUntil > new Date();
  return {
    id: c.id,
    name: c.name,
    client_id: c.clientId,
    secret_last4: c.secretLast4,
    scopes: c.scopes,
    environment: c.environment,
    status: credentialStatus(c),
    token_lifetime_seconds: c.tokenLifetimeSeconds,
    expires_at: iso(c.expiresAt),
    last_used_at: iso(c.lastUsedAt),
    revoked_at: iso(c.revokedAt),
    previous_secret_expires_at: graceRunning ? iso(c.previousSecretUntil) : null,
    older_secrets_expire_at: liveGraceSecrets(c.olderSecrets).map((s) => new Date(s.until).toISOString()),
    grace_ends_when_unused_hours: graceRunning && c.graceEndsWhenUnusedSeconds ? c.graceEndsWhenUnusedSeconds / 3600 : null,
    tokens_per_hour: c.tokensPerHour,
    tokens_per_day: c.tokensPerDay,
    locked_until: c.lockedUntil && c.lockedUntil > new Date() ? iso(c.lockedUntil) : null,
    failed_exchanges: c.failedExchanges,
    last_failed_at: iso(c.lastFailedAt),
    keys_only: c.keysOnly,
    client_keys: clientKeysView(c),
    created_at: c.createdAt.toISOString(),
  };
}
