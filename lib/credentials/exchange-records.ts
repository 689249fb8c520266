// What a token exchange leaves in the database besides its quota (quota-lease.ts): the token's
// "AccessToken" row (the credential page's counts, the row a revocation marks) and the secret-use
// record (secret-usage.ts: which secret or key, from which address, per ten-minute bucket).
//
// Neither is needed for the token to work (it carries its claims under a seal: signed-token.ts),
// so both are written behind the answer: rows and counts gather in the process and go to the
// database together, one statement each, within FLUSH_MS (and at once when someone reads them in
// this process: flushExchangeRecords). Except what the product decides on: the FIRST exchange of
// each bucket (a secret or key seen from an address in a ten-minute window) is written before its
// answer, and every exchange of that bucket waits for that write. So which secrets are in use,
// and from where (a rotation's "unused since", the lockout's known addresses), is never lost, even
// to a process killed with kill -9; what such a kill can lose is the last FLUSH_MS of counts
// within buckets already recorded, and the rows of the tokens issued in it (the tokens still work,
// can still be revoked: a revocation writes the row).
import { prepared } from "@/lib/db/sql";
import { log, briefError } from "@/lib/observability/log";
import { runtime, type UseEntry } from "@/lib/runtime/runtime";

/** Buckets of ten minutes: "the last hour" is right to within ten minutes, and a day is 144 rows per address. */
export const BUCKET_MS = 10 * 60_000;
const FLUSH_MS = 200;
const MAX_ROWS = 5_000; // per statement
const MAX_PENDING_ROWS = 100_000; // while the database is away: beyond this, rows (counts only) are dropped

const state = runtime().exchanges;

export type ExchangeRecord = {
  id: string;
  credentialId: string;
  tokenHash: string;
  scopes: string[];
  expiresAt: Date;
  createdAt: Date;
  /** What authenticated the exchange (use-tags.ts) and from where; null: not recorded. */
  use: { tag: string; ip: string | null } | null;
};

// Rows of a credential deleted meanwhile are skipped (no foreign-key failure for the batch).
const insertTokens = prepared(
  "gatehouse_write_tokens",
  `INSERT INTO "AccessToken" ("id", "credentialId", "tokenHash", "scopes", "expiresAt", "createdAt")
   SELECT t."id", t."credentialId", t."tokenHash", string_to_array(t."scopes", ' '), t."expiresAt", t."createdAt"
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::timestamp[])
          AS t("id", "credentialId", "tokenHash", "scopes", "expiresAt", "createdAt")
    WHERE EXISTS (SELECT 1 FROM "Credential" c WHERE c."id" = t."credentialId")
   ON CONFLICT DO NOTHING`,
);

// Sorted by key, so that two processes' statements lock the rows in one order (no deadlock).
const addUses = prepared(
  "gatehouse_write_uses",
  `INSERT INTO "CredentialSecretUse" AS u ("credentialId", "secretTag", "ip", "bucket", "count", "lastUsedAt")
   SELECT v."credentialId", v."tag", v."ip", v."bucket", v."n", v."last"
     FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp[], $5::int[], $6::timestamp[]) AS v("credentialId", "tag", "ip", "bucket", "n", "last")
    WHERE EXISTS (SELECT 1 FROM "Credential" c WHERE c."id" = v."credentialId")
    ORDER BY 1, 2, 4, 3
   ON CONFLICT ("credentialId", "secretTag", "bucket", "ip") DO UPDATE SET
     "count" = u."count" + EXCLUDED."count",
     "lastUsedAt" = GREATEST(u."lastUsedAt", EXCLUDED."lastUsedAt")`,
);

type UseWrite = { credentialId: string; tag: string; ip: string; bucket: number; n: number; last: number };

function writeUses(rows: UseWrite[]) {
  const iso = (ms: number) => new Date(ms).toISOString();
  rows.sort((a, b) => cmp(a.credentialId, b.credentialId) || cmp(a.tag, b.tag) || a.bucket - b.bucket || cmp(a.ip, b.ip));
  return addUses([rows.map((r) => r.credentialId), rows.map((r) => r.tag), rows.map((r) => r.ip), rows.map((r) => iso(r.bucket)), rows.map((r) => r.n), rows.map((r) => iso(r.last))]);
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Records one exchange: its token row behind the answer; its use in the secret-use record, before
 * the answer when it is the first of its bucket in this process (see above), else behind it.
 */
export async function recordExchange(r: ExchangeRecord): Promise<void> {
  if (state.tokens.length < MAX_PENDING_ROWS) {
    state.tokens.push({
      id: r.id,
      credentialId: r.credentialId,
      tokenHash: r.tokenHash,
      scopes: r.scopes.join(" "),
      expiresAt: r.expiresAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    });
  }
  schedule();
  if (!r.use) return;
  const at = r.createdAt.getTime();
  const bucket = at - (at % BUCKET_MS);
  const ip = r.use.ip ?? "unknown";
  const key = `${r.credentialId}\u0000${r.use.tag}\u0000${ip}\u0000${bucket}`;
  const known = state.uses.get(key);
  if (known) {
    if (known.first) await known.first; // the bucket's first write: rejects this exchange too if it failed
    known.pending += 1;
    if (at > known.lastUsedAt) known.lastUsedAt = at;
    return;
  }
  const e: UseEntry = { credentialId: r.credentialId, tag: r.use.tag, ip, bucket, pending: 0, lastUsedAt: at };
  e.first = (async () => {
    await writeUses([{ credentialId: e.credentialId, tag: e.tag, ip, bucket, n: 1, last: at }]);
  })();
  state.uses.set(key, e);
  try {
    await e.first;
    e.first = undefined;
  } catch (err) {
    state.uses.delete(key); // the next exchange of the bucket tries again
    throw err;
  }
}

function schedule() {
  if (state.timer || state.flushing) return;
  // After failures, less often (up to every 10 s) and one log line per streak.
  const delay = Math.min(10_000, FLUSH_MS * 2 ** state.failures);
  state.timer = setTimeout(() => {
    state.timer = undefined;
    void flushExchangeRecords().then(
      () => {
        state.failures = 0;
      },
      (err) => {
        if (state.failures++ === 0) log.warn({ error: briefError(err) }, "token exchange records: write failed; retrying");
      },
    );
  }, delay);
  state.timer.unref?.();
}

/**
 * Writes what this process holds of its exchanges (token rows, secret-use counts) now; resolves
 * once written. Whoever reads them in this process (the credential page, the secret-use view, a
 * test) calls it first, so it sees every exchange this process answered.
 */
export async function flushExchangeRecords(): Promise<void> {
  while (state.flushing) await state.flushing.catch(() => {});
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = undefined;
  }
  const p = flushOnce();
  state.flushing = p;
  try {
    await p;
  } finally {
    state.flushing = undefined;
    if (state.tokens.length || [...state.uses.values()].some((u) => u.pending > 0)) schedule();
  }
}

async function flushOnce(): Promise<void> {
  const tokens = state.tokens.splice(0, state.tokens.length);
  const uses: UseWrite[] = [];
  const now = Date.now();
  for (const [k, u] of state.uses) {
    if (u.pending > 0 && !u.first) {
      uses.push({ credentialId: u.credentialId, tag: u.tag, ip: u.ip, bucket: u.bucket, n: u.pending, last: u.lastUsedAt });
      u.pending = 0;
    }
    // A bucket that has ended, with nothing left to write: forget it (its row stays).
    if (u.pending === 0 && !u.first && u.bucket + BUCKET_MS < now - FLUSH_MS) state.uses.delete(k);
  }
  try {
    for (let i = 0; i < uses.length; i += MAX_ROWS) await writeUses(uses.slice(i, i + MAX_ROWS));
  } catch (err) {
    // Put the counts back for the next try (the entries may have been forgotten meanwhile).
    for (const w of uses) {
      const key = `${w.credentialId}\u0000${w.tag}\u0000${w.ip}\u0000${w.bucket}`;
      const e = state.uses.get(key) ?? { credentialId: w.credentialId, tag: w.tag, ip: w.ip, bucket: w.bucket, pending: 0, lastUsedAt: w.last };
      e.pending += w.n;
      state.uses.set(key, e);
    }
    state.tokens.unshift(...tokens.slice(0, Math.max(0, MAX_PENDING_ROWS - state.tokens.length)));
    throw err;
  }
  for (let i = 0; i < tokens.length; i += MAX_ROWS) {
    const rows = tokens.slice(i, i + MAX_ROWS);
    try {
      await insertTokens([rows.map((r) => r.id), rows.map((r) => r.credentialId), rows.map((r) => r.tokenHash), rows.map((r) => r.scopes), rows.map((r) => r.expiresAt), rows.map((r) => r.createdAt)]);
    } catch (err) {
      state.tokens.unshift(...tokens.slice(i, i + Math.max(0, MAX_PENDING_ROWS - state.tokens.length)));
      throw err;
    }
  }
}
