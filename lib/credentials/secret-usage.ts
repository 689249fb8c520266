// Which secret (or, for private_key_jwt, which key) authenticated each token exchange, from
// which address and when, so that a rotation knows when it is finished: once the old secret is no
// longer used, its grace period can end. Written by the statement that stores the exchange's
// token (store-tokens.ts), summed per (credential, secret or key, address, ten-minute bucket), so
// a burst of exchanges of one client is one row update, not a row each. The same rows say which
// addresses a credential is known to be used from (lockout.ts).
import { calculateJwkThumbprint, type JWK } from "jose";
import { keyIdOf, keyTag, secretTag } from "@/lib/credentials/use-tags";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import type { Credential } from "@/lib/generated/prisma/client";
import type { SecretUsageView } from "@/lib/validations/credentials";

import { BUCKET_MS, flushExchangeRecords } from "@/lib/credentials/exchange-records";

export { BUCKET_MS };
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export { secretTag };

/** Whether a successful exchange ever came from this address (any secret, within retention). */
export async function isKnownAddress(credentialId: string, ip: string | null): Promise<boolean> {
  if (!ip) return false;
  const rows = await sql(`SELECT 1 FROM "CredentialSecretUse" WHERE "credentialId" = $1 AND "ip" = $2 LIMIT 1`, [credentialId, ip]);
  return rows.length > 0;
}

type LiveSecret = { which: SecretUsageView["secret"]; tag: string; last4: string | null; validUntil: Date | null; keyId: string | null };

/** The secrets that work now: the current one, the previous one and older ones still in grace. */
export function liveSecrets(
  c: Pick<Credential, "secretHash" | "secretLast4" | "previousSecretHash" | "previousSecretUntil" | "previousSecretLast4" | "olderSecrets">,
  now = new Date(),
): (LiveSecret & { hash: string })[] {
  const out: (LiveSecret & { hash: string })[] = [{ which: "current", hash: c.secretHash, tag: secretTag(c.secretHash), last4: c.secretLast4, validUntil: null, keyId: null }];
  if (c.previousSecretHash && c.previousSecretUntil && c.previousSecretUntil > now) {
    out.push({ which: "previous", hash: c.previousSecretHash, tag: secretTag(c.previousSecretHash), last4: c.previousSecretLast4, validUntil: c.previousSecretUntil, keyId: null });
  }
  for (const s of liveGraceSecrets(c.olderSecrets, now)) out.push({ which: "older", hash: s.value, tag: secretTag(s.value), last4: null, validUntil: new Date(s.until), keyId: null });
  return out;
}

/**
 * The registered public keys (private_key_jwt), each named as an exchange records it: its kid,
 * or its RFC 7638 thumbprint (client-assertion.ts).
 */
async function registeredKeys(c: Pick<Credential, "jwks" | "jwksFetched" | "jwksUrl">): Promise<LiveSecret[]> {
  const set = (c.jwks ?? (c.jwksUrl ? c.jwksFetched : null)) as { keys?: JWK[] } | null;
  const out: LiveSecret[] = [];
  for (const k of set?.keys ?? []) {
    const id = k.kid ?? (await calculateJwkThumbprint(k).catch(() => null));
    if (id && !out.some((o) => o.keyId === id)) out.push({ which: "key", tag: keyTag(id), last4: null, validUntil: null, keyId: id });
  }
  return out;
}

/** This process's exchanges, written before they are read (exchange-records.ts); a failure only leaves them for later. */
function flushed(): Promise<void> {
  return flushExchangeRecords().catch(() => {});
}

type UseRow = { secretTag: string; ip: string; bucket: Date; count: number; lastUsedAt: Date };

/**
 * Per live secret, and per registered key (private_key_jwt): last use, from where, and exchanges
 * in the last hour and day (ten-minute resolution). Keys that were used but are no longer
 * registered are left out, like secrets past their grace period: they no longer work.
 */
export async function secretUsage(c: Credential, now = new Date()): Promise<SecretUsageView[]> {
  await flushed();
  const secrets: LiveSecret[] = [...liveSecrets(c, now), ...(await registeredKeys(c))];
  const tags = secrets.map((s) => s.tag);
  const since = new Date(now.getTime() - DAY_MS);
  const [recent, last] = await Promise.all([
    db.$queryRaw<UseRow[]>`
      SELECT "secretTag", "bucket" AT TIME ZONE 'UTC' AS "bucket", SUM("count")::int AS "count"
        FROM "CredentialSecretUse"
       WHERE "credentialId" = ${c.id} AND "secretTag" = ANY(${tags}::text[]) AND "bucket" >= (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC')
       GROUP BY 1, 2`,
    db.$queryRaw<UseRow[]>`
      SELECT DISTINCT ON ("secretTag") "secretTag", "ip", "lastUsedAt" AT TIME ZONE 'UTC' AS "lastUsedAt"
        FROM "CredentialSecretUse"
       WHERE "credentialId" = ${c.id} AND "secretTag" = ANY(${tags}::text[])
       ORDER BY "secretTag", "lastUsedAt" DESC`,
  ]);
  const hourStart = now.getTime() - HOUR_MS;
  return secrets.map((s) => {
    const mine = recent.filter((r) => r.secretTag === s.tag);
    const lastUse = last.find((r) => r.secretTag === s.tag);
    return {
      secret: s.which,
      method: s.which === "key" ? "private_key_jwt" : "client_secret",
      key_id: s.keyId ?? keyIdOf(s.tag),
      secret_last4: s.last4,
      valid_until: s.validUntil?.toISOString() ?? null,
      last_used_at: lastUse ? new Date(lastUse.lastUsedAt).toISOString() : null,
      last_used_from: lastUse?.ip ?? null,
      exchanges_last_hour: mine.filter((r) => new Date(r.bucket).getTime() >= hourStart).reduce((n, r) => n + Number(r.count), 0),
      exchanges_last_day: mine.reduce((n, r) => n + Number(r.count), 0),
    };
  });
}

/** When any of the old (grace) secrets was last used, or null if never. */
export async function oldSecretsLastUsedAt(c: Credential, now = new Date()): Promise<Date | null> {
  const old = liveSecrets(c, now).filter((s) => s.which !== "current").map((s) => s.tag);
  if (!old.length) return null;
  await flushed();
  const [r] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT MAX("lastUsedAt") AT TIME ZONE 'UTC' AS "at" FROM "CredentialSecretUse"
     WHERE "credentialId" = ${c.id} AND "secretTag" = ANY(${old}::text[])`;
  return r?.at ? new Date(r.at) : null;
}

/** The address with the most exchanges in the last hour (any secret), for the "cache your token" hint. */
export async function busiestAddressLastHour(credentialId: string, now = new Date()): Promise<{ ip: string; count: number } | null> {
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  await flushed();
  const [r] = await db.$queryRaw<{ ip: string; count: number }[]>`
    SELECT "ip", SUM("count")::int AS "count" FROM "CredentialSecretUse"
     WHERE "credentialId" = ${credentialId} AND "bucket" >= (${since}::timestamptz AT TIME ZONE 'UTC')
     GROUP BY "ip" ORDER BY 2 DESC LIMIT 1`;
  return r ? { ip: r.ip, count: Number(r.count) } : null;
}

/**
 * Drops buckets older than the retention period (GATEHOUSE_RETENTION_DAYS, default 30): an address
 * unused that long is no longer "known" to the lockout. Bounded per call; the daily job repeats.
 */
export async function pruneSecretUses(opts: { now?: Date; days?: number; limit?: number } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 30;
  const before = new Date(now.getTime() - days * DAY_MS).toISOString();
  const rows = await sql<{ n: number }>(
    `WITH gone AS (
       DELETE FROM "CredentialSecretUse" WHERE ctid IN (
         SELECT ctid FROM "CredentialSecretUse" WHERE "bucket" < ($1::timestamptz AT TIME ZONE 'UTC') LIMIT $2)
       RETURNING 1)
     SELECT COUNT(*)::int AS n FROM gone`,
    [before, opts.limit ?? 10_000],
  );
  return Number(rows[0]?.n ?? 0);
}
