// Which secret authenticated each token exchange, from which address and when, so that a
// rotation knows when it is finished: once the old secret is no longer used, its grace period can
// end. Recorded cheaply: an exchange adds one item to a group-commit batcher and does not wait for
// it; each batch is summed in memory per (credential, secret, address, ten-minute bucket) and
// written with one upsert, so a burst of exchanges of one client costs one row update, not a row
// each. The same rows say which addresses a credential is known to be used from (lockout.ts).
import { sha256 } from "@/lib/credentials/hash";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { db } from "@/lib/db/client";
import { processBatcher, sql, valuesList } from "@/lib/db/sql";
import type { Credential } from "@/lib/generated/prisma/client";
import type { SecretUsageView } from "@/lib/validations/credentials";

/** Buckets of ten minutes: "the last hour" is right to within ten minutes, and a day is 144 rows per address. */
export const BUCKET_MS = 10 * 60_000;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** Names a secret by the first 16 hex digits of its SHA-256 (the hash kept on the credential). */
export function secretTag(secretHash: string): string {
  return secretHash.slice(0, 16);
}

export type SecretUse = { credentialId: string; secretHash: string; ip: string | null; at: Date };

type Row = { credentialId: string; secretTag: string; ip: string; bucket: number; count: number; lastUsedAt: number };

/** Sums one batch per (credential, secret, address, bucket), in key order (a fixed lock order between processes). */
export function aggregateUses(uses: SecretUse[]): Row[] {
  const rows = new Map<string, Row>();
  for (const u of uses) {
    const t = u.at.getTime();
    const bucket = t - (t % BUCKET_MS);
    const tag = secretTag(u.secretHash);
    const ip = u.ip ?? "unknown";
    const key = `${u.credentialId}\u0000${tag}\u0000${bucket}\u0000${ip}`;
    const r = rows.get(key);
    if (r) {
      r.count++;
      if (t > r.lastUsedAt) r.lastUsedAt = t;
    } else rows.set(key, { credentialId: u.credentialId, secretTag: tag, ip, bucket, count: 1, lastUsedAt: t });
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

const writeUses = processBatcher<SecretUse>("secret-usage.writeUses", async (uses) => {
  const rows = aggregateUses(uses);
  await sql(
    `INSERT INTO "CredentialSecretUse" AS u ("credentialId", "secretTag", "ip", "bucket", "count", "lastUsedAt")
     VALUES ${valuesList(rows.length, 6, ["", "", "", "::timestamp", "::int", "::timestamp"])}
     ON CONFLICT ("credentialId", "secretTag", "bucket", "ip") DO UPDATE SET
       "count" = u."count" + EXCLUDED."count",
       "lastUsedAt" = GREATEST(u."lastUsedAt", EXCLUDED."lastUsedAt")`,
    rows.flatMap((r) => [r.credentialId, r.secretTag, r.ip, new Date(r.bucket).toISOString(), r.count, new Date(r.lastUsedAt).toISOString()]),
  );
});

/**
 * Records one successful exchange. Never blocks or fails the exchange: the promise settles once
 * the batch holding it is committed (tests wait for it; the token endpoint does not).
 */
export function recordSecretUse(use: SecretUse): Promise<void> {
  return writeUses(use).catch((err) => {
    // A credential deleted with its organization meanwhile fails its batch on the foreign key.
    console.error("[gatehouse] recording secret use failed", (err as Error).message);
  });
}

/** The SHA-256 of the secret a request presented (already checked by authenticateClient). */
export function presentedSecretHash(clientSecret: string): string {
  return sha256(clientSecret);
}

/** Whether a successful exchange ever came from this address (any secret, within retention). */
export async function isKnownAddress(credentialId: string, ip: string | null): Promise<boolean> {
  if (!ip) return false;
  const rows = await sql(`SELECT 1 FROM "CredentialSecretUse" WHERE "credentialId" = $1 AND "ip" = $2 LIMIT 1`, [credentialId, ip]);
  return rows.length > 0;
}

type LiveSecret = { which: SecretUsageView["secret"]; hash: string; last4: string | null; validUntil: Date | null };

/** The secrets that work now: the current one, the previous one and older ones still in grace. */
export function liveSecrets(
  c: Pick<Credential, "secretHash" | "secretLast4" | "previousSecretHash" | "previousSecretUntil" | "previousSecretLast4" | "olderSecrets">,
  now = new Date(),
): LiveSecret[] {
  const out: LiveSecret[] = [{ which: "current", hash: c.secretHash, last4: c.secretLast4, validUntil: null }];
  if (c.previousSecretHash && c.previousSecretUntil && c.previousSecretUntil > now) {
    out.push({ which: "previous", hash: c.previousSecretHash, last4: c.previousSecretLast4, validUntil: c.previousSecretUntil });
  }
  for (const s of liveGraceSecrets(c.olderSecrets, now)) out.push({ which: "older", hash: s.value, last4: null, validUntil: new Date(s.until) });
  return out;
}

type UseRow = { secretTag: string; ip: string; bucket: Date; count: number; lastUsedAt: Date };

/** Per live secret: last use, from where, and exchanges in the last hour and day (ten-minute resolution). */
export async function secretUsage(c: Credential, now = new Date()): Promise<SecretUsageView[]> {
  const secrets = liveSecrets(c, now);
  const tags = secrets.map((s) => secretTag(s.hash));
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
    const tag = secretTag(s.hash);
    const mine = recent.filter((r) => r.secretTag === tag);
    const lastUse = last.find((r) => r.secretTag === tag);
    return {
      secret: s.which,
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
  const old = liveSecrets(c, now).filter((s) => s.which !== "current").map((s) => secretTag(s.hash));
  if (!old.length) return null;
  const [r] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT MAX("lastUsedAt") AT TIME ZONE 'UTC' AS "at" FROM "CredentialSecretUse"
     WHERE "credentialId" = ${c.id} AND "secretTag" = ANY(${old}::text[])`;
  return r?.at ? new Date(r.at) : null;
}

/** The address with the most exchanges in the last hour (any secret), for the "cache your token" hint. */
export async function busiestAddressLastHour(credentialId: string, now = new Date()): Promise<{ ip: string; count: number } | null> {
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
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
