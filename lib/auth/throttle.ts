// Sign-in throttling in the database, so that every process and every instance agrees.
//
// An attempt is counted, atomically and before the password is checked, in buckets: one for the
// account (or for the account at one of its known addresses) and one for the client address.
// The first `free` attempts of a bucket pass at once; from then on each further attempt must
// wait a delay that doubles per attempt (base · 2^k, capped). A success clears the account's
// bucket. Counting happens in one INSERT … ON CONFLICT DO UPDATE per bucket: PostgreSQL (and
// PGlite) lock the row for the statement, so N parallel attempts see N distinct counts and at
// most `free` of them pass, whichever process sends them.
import { createHash } from "node:crypto";
import { db as defaultDb, type Db } from "@/lib/db/client";

export type BucketPolicy = {
  /** Attempts that pass without delay. */
  free: number;
  /** Delay after the first attempt past `free`, doubled for each further one. */
  baseSeconds: number;
  /** The longest delay. */
  capSeconds: number;
  /** A bucket untouched for this long starts again from zero. */
  resetSeconds: number;
};

/** Per account, from addresses it has never signed in from (anyone who knows the email). */
export const ACCOUNT: BucketPolicy = { free: 5, baseSeconds: 30, capSeconds: 60 * 60, resetSeconds: 24 * 3600 };
/** Per account at an address it has signed in from before: more lenient, and apart from ACCOUNT. */
export const KNOWN_ADDRESS: BucketPolicy = { free: 10, baseSeconds: 5, capSeconds: 5 * 60, resetSeconds: 24 * 3600 };
/** Per client address, whatever the email. */
export const ADDRESS: BucketPolicy = { free: 30, baseSeconds: 30, capSeconds: 60 * 60, resetSeconds: 24 * 3600 };

export type Bucket = { key: string; policy: BucketPolicy };
export type HitResult = { allowed: boolean; retryAfterSeconds: number; blockedUntil: Date | null };

function digest(s: string): string {
  return createHash("sha256").update(s).digest("base64url").slice(0, 32);
}

/** The buckets of one sign-in attempt, account first (see hitAll). */
export function signInBuckets(opts: { email: string; userId: string | null; ip: string | null; knownAddress: boolean }): Bucket[] {
  const account: Bucket =
    opts.userId && opts.ip && opts.knownAddress
      ? { key: `known:${opts.userId}:${digest(opts.ip)}`, policy: KNOWN_ADDRESS }
      : // Unknown emails have buckets too, so they cannot be told apart by being unlimited.
        { key: `acct:${digest(opts.email)}`, policy: ACCOUNT };
  // Without an address there is no address bucket: one shared "unknown" bucket would let anyone
  // hold every account's sign-in back at once. The account bucket still applies.
  return opts.ip ? [account, { key: `ip:${digest(opts.ip)}`, policy: ADDRESS }] : [account];
}

/** Counts one attempt in a bucket and says whether it may go ahead. One atomic statement. */
export async function hit(bucket: Bucket, client: Db = defaultDb): Promise<HitResult> {
  const { free, baseSeconds, capSeconds, resetSeconds } = bucket.policy;
  // SET expressions see the row as it was, so the new count is spelled out where it is needed.
  // Timestamps are UTC `timestamp(3)`, as Prisma stores them.
  const rows = await client.$queryRaw<{ allowed: boolean; blockedUntil: Date | null; wait: number }[]>`
    WITH clock AS (SELECT (now() AT TIME ZONE 'UTC') AS now)
    INSERT INTO "SignInThrottle" AS t ("key", "attempts", "blockedUntil", "allowed", "updatedAt")
    SELECT ${bucket.key}, 1,
           CASE WHEN 1 >= ${free}::int THEN clock.now + make_interval(secs => LEAST(${capSeconds}::float8, ${baseSeconds}::float8)) END,
           true, clock.now
    FROM clock
    ON CONFLICT ("key") DO UPDATE SET
      "allowed" = NOT COALESCE(t."blockedUntil" > EXCLUDED."updatedAt", false),
      "attempts" = CASE
        WHEN t."blockedUntil" > EXCLUDED."updatedAt" THEN t."attempts"
        WHEN t."updatedAt" < EXCLUDED."updatedAt" - make_interval(secs => ${resetSeconds}::float8) THEN 1
        ELSE t."attempts" + 1 END,
      "blockedUntil" = CASE
        WHEN t."blockedUntil" > EXCLUDED."updatedAt" THEN t."blockedUntil"
        WHEN t."updatedAt" < EXCLUDED."updatedAt" - make_interval(secs => ${resetSeconds}::float8) THEN
          CASE WHEN 1 >= ${free}::int THEN EXCLUDED."updatedAt" + make_interval(secs => LEAST(${capSeconds}::float8, ${baseSeconds}::float8)) END
        WHEN t."attempts" + 1 >= ${free}::int THEN EXCLUDED."updatedAt" + make_interval(secs => LEAST(
          ${capSeconds}::float8,
          ${baseSeconds}::float8 * power(2::float8, LEAST(t."attempts" + 1 - ${free}::int, 30)::float8)))
        ELSE NULL END,
      "updatedAt" = EXCLUDED."updatedAt"
    RETURNING "allowed", "blockedUntil" AT TIME ZONE 'UTC' AS "blockedUntil",
      GREATEST(0, EXTRACT(EPOCH FROM ("blockedUntil" - "updatedAt")))::float8 AS wait`;
  const r = rows[0]!;
  return { allowed: r.allowed, retryAfterSeconds: Math.max(1, Math.ceil(r.wait)), blockedUntil: r.blockedUntil };
}

/**
 * Counts an attempt in each bucket, in order, stopping at the first that refuses (the later ones
 * are then not counted). The order is the same for every caller, so row locks cannot deadlock.
 */
export async function hitAll(buckets: Bucket[], client: Db = defaultDb): Promise<HitResult & { blockedBy: string | null }> {
  let last: HitResult = { allowed: true, retryAfterSeconds: 0, blockedUntil: null };
  let later: Date | null = null;
  for (const b of buckets) {
    last = await hit(b, client);
    if (!last.allowed) return { ...last, blockedBy: b.key };
    if (last.blockedUntil && (!later || last.blockedUntil > later)) later = last.blockedUntil;
  }
  return { allowed: true, retryAfterSeconds: 0, blockedUntil: later, blockedBy: null };
}

/**
 * After a successful sign-in: the account bucket starts again, and the address bucket gets this
 * attempt back (so signing in to one's own account never wears down the address, but cannot
 * undo failures against other accounts either).
 */
export async function recordSuccess(buckets: Bucket[], client: Db = defaultDb): Promise<void> {
  const [account, ...rest] = buckets;
  if (account) await client.$executeRaw`DELETE FROM "SignInThrottle" WHERE "key" = ${account.key}`;
  for (const b of rest) {
    await client.$executeRaw`
      UPDATE "SignInThrottle" SET
        "attempts" = GREATEST("attempts" - 1, 0),
        "blockedUntil" = CASE WHEN "attempts" - 1 < ${b.policy.free}::int THEN NULL ELSE "blockedUntil" END
      WHERE "key" = ${b.key}`;
  }
}

/** Drops buckets nobody has touched for a day or more (they would start again from zero anyway). */
export async function pruneThrottle(client: Db = defaultDb): Promise<number> {
  const maxReset = Math.max(ACCOUNT.resetSeconds, KNOWN_ADDRESS.resetSeconds, ADDRESS.resetSeconds);
  return client.$executeRaw`
    DELETE FROM "SignInThrottle"
    WHERE "updatedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${maxReset}::float8)
      AND ("blockedUntil" IS NULL OR "blockedUntil" < (now() AT TIME ZONE 'UTC'))`;
}
