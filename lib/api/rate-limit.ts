// Fixed-window rate limits shared by every process on the database: one row per bucket and
// window in "RateLimitCounter", counted by INSERT … ON CONFLICT DO UPDATE … RETURNING. Keys are
// namespaced by the caller, e.g. "oauth:client:<id>". Windows are aligned to the epoch, so all
// processes agree on where a window ends (their clocks are assumed to agree within a second).
//
// Group commit: concurrent calls in a process go to the database together, one statement for the
// whole batch (its counts summed per bucket), and each caller gets its own place in the count:
// with N callers of one bucket in a batch, the database's total T, and the batch's sum S, the
// callers see T-S+1 … T in arrival order. So at most `limit` requests pass per window, whichever
// process they reach. A request waits for the batch that carries it: under no load that is one
// round trip, under load the round trips are shared.
import { prepared, processBatcher, sql } from "@/lib/db/sql";
import { runtime } from "@/lib/runtime/runtime";

export type RateLimitResult = {
  ok: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  /** The window in seconds (RateLimit-Policy's `w`). */
  windowSeconds?: number;
  /** The policy's name in the IETF RateLimit / RateLimit-Policy fields. */
  policy?: string;
};

export type RateLimitRequest = {
  key: string;
  limit: number;
  windowMs: number;
  /** 1 for a request, or e.g. a body's bytes. */
  cost?: number;
  /** Named in the RateLimit headers; the key's prefix if not given. */
  policy?: string;
};

type Hit = { bucket: string; resetAt: number; cost: number; count?: number };

// Rows of ended windows are deleted by about one batch in PRUNE_ONE_IN (no timer, no state),
// and by the retention job (lib/retention/prune-expired.ts).
const PRUNE_ONE_IN = 500;

// A prepared statement: parsed once per connection, planned once (it is on every limited request).
const countStatement = prepared<{ bucket: string; resetMs: number | string; count: number | string | bigint }>(
  "gatehouse_rate_limit_count",
  `INSERT INTO "RateLimitCounter" AS c ("bucket", "resetAt", "count")
   SELECT v.b, v.r, v.n FROM unnest($1::text[], $2::timestamp[], $3::bigint[]) WITH ORDINALITY AS v(b, r, n, i) ORDER BY v.i
   ON CONFLICT ("bucket", "resetAt") DO UPDATE SET "count" = c."count" + EXCLUDED."count"
   RETURNING "bucket", (EXTRACT(EPOCH FROM "resetAt") * 1000)::float8 AS "resetMs", "count"`,
);

const countHits = processBatcher<Hit>("rate-limit.countHits", async (hits) => {
  // One row per bucket and window (ON CONFLICT cannot touch a row twice in one statement), in a
  // fixed order so that two processes' statements lock rows in the same order (no deadlock).
  const sums = new Map<string, { bucket: string; resetAt: number; sum: number; total?: number }>();
  for (const h of hits) {
    const k = `${h.resetAt}\u0000${h.bucket}`;
    const s = sums.get(k);
    if (s) s.sum += h.cost;
    else sums.set(k, { bucket: h.bucket, resetAt: h.resetAt, sum: h.cost });
  }
  const rows = [...sums.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.resetAt - b.resetAt));
  const out = await countStatement([rows.map((r) => r.bucket), rows.map((r) => new Date(r.resetAt).toISOString()), rows.map((r) => String(r.sum))]);
  for (const o of out) {
    const s = sums.get(`${Math.round(Number(o.resetMs))}\u0000${o.bucket}`);
    if (s) s.total = Number(o.count);
  }
  // Each caller's own count: the total before this batch, plus the batch's hits up to its own.
  const seen = new Map<string, number>();
  for (const h of hits) {
    const k = `${h.resetAt}\u0000${h.bucket}`;
    const s = sums.get(k)!;
    const upTo = (seen.get(k) ?? 0) + h.cost;
    seen.set(k, upTo);
    h.count = (s.total ?? s.sum) - s.sum + upTo;
  }
  // Not awaited: the batch's requests do not wait for the clean-up.
  if (Math.random() * PRUNE_ONE_IN < 1) void pruneRateLimits().catch(() => {});
}, 1000, 2);

// Large limits are taken from the database in slices of 1% of the limit (a lease): a process
// counts a slice in the shared row at once, then spends it in memory, and goes back for the next
// slice when it is used up. So a busy client costs one statement per slice, not per request. The
// shared row counts every slice handed out, so all processes together never let more than the
// limit through; at worst each process ends a window with part of a slice unspent (fewer than
// the limit pass: processes × 1%). Limits under 200 are counted request by request (exactly).
const SLICE_FRACTION = 0.01;
const MAX_LEASES = 10_000;

// The process's slices (lib/runtime/runtime.ts), one set for every module graph (Next's bundle
// and the lean layer's): a second holder would only mean one more slice out, never more than the
// limit through, but one holder wastes none.
const leases = runtime().limits.leases;

function sliceOf(limit: number): number {
  return Math.floor(limit * SLICE_FRACTION);
}

async function fromLease(r: RateLimitRequest, cost: number, resetAt: number): Promise<number | null> {
  // The spent count this request sees (as RateLimit-Remaining will), or null when refused. Every
  // round either spends, or waits for a slice that adds quota or finds the window exhausted.
  for (let round = 0; round < 1_000; round++) {
    let l = leases.get(r.key);
    if (!l || l.resetAt !== resetAt) {
      if (leases.size >= MAX_LEASES) for (const [k, v] of leases) if (v.resetAt < resetAt) leases.delete(k);
      l = { resetAt, left: 0, total: 0, exhausted: false, demand: 0 };
      leases.set(r.key, l);
    }
    if (l.left >= cost) {
      l.left -= cost;
      return l.total - l.left;
    }
    if (l.exhausted) return null;
    // The next slice covers every request waiting for one, not just the first.
    l.demand += cost;
    try {
      if (!l.pending) {
        const lease = l;
        const reserve = Math.max(sliceOf(r.limit), lease.demand - lease.left);
        lease.pending = (async () => {
          const hit: Hit = { bucket: r.key, resetAt, cost: reserve };
          await countHits(hit);
          const total = hit.count ?? reserve;
          const granted = Math.max(0, Math.min(reserve, r.limit - (total - reserve)));
          lease.left += granted;
          // What was asked for past the limit was counted but not granted: nobody spends it.
          lease.total = total - (reserve - granted);
          if (granted < reserve) lease.exhausted = true;
        })().finally(() => {
          lease.pending = undefined;
        });
      }
      await l.pending;
    } finally {
      l.demand -= cost;
    }
  }
  return null;
}

/** Counts each request's cost against its limit; what goes to the database goes in one batched statement. */
export async function rateLimits(requests: RateLimitRequest[], now = Date.now()): Promise<RateLimitResult[]> {
  return Promise.all(requests.map((r) => limitOne(r, now)));
}

async function limitOne(r: RateLimitRequest, now: number): Promise<RateLimitResult> {
  const resetAt = windowEnd(now, r.windowMs);
  const cost = Math.max(0, Math.ceil(r.cost ?? 1));
  let count: number;
  if (sliceOf(r.limit) > 1) {
    count = (await fromLease(r, cost, resetAt)) ?? Number.POSITIVE_INFINITY;
  } else {
    const hit: Hit = { bucket: r.key, resetAt, cost };
    await countHits(hit);
    count = hit.count ?? cost;
  }
  return {
    ok: count <= r.limit,
    limit: r.limit,
    remaining: Number.isFinite(count) ? Math.max(0, r.limit - count) : 0,
    resetSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    windowSeconds: Math.round(r.windowMs / 1000),
    policy: r.policy ?? r.key.split(":")[0],
  };
}

/** Counts `cost` (1 request, or e.g. a body's bytes) against `limit` per window. */
export async function rateLimit(
  key: string,
  limit: number,
  windowMs: number,
  opts: { cost?: number; policy?: string; now?: number } = {},
): Promise<RateLimitResult> {
  return limitOne({ key, limit, windowMs, cost: opts.cost, policy: opts.policy }, opts.now ?? Date.now());
}

/** Forgets a bucket's counts (tests, and an admin lifting a limit). */
export async function resetRateLimit(key: string): Promise<void> {
  leases.delete(key);
  await sql(`DELETE FROM "RateLimitCounter" WHERE "bucket" = $1`, [key]);
}

/** Deletes the rows of windows that ended before `before` (default: now), at most `max` of them. */
export async function pruneRateLimits(before = new Date(), max = 10_000): Promise<number> {
  const rows = await sql<{ n: number | string }>(
    `WITH gone AS (
       DELETE FROM "RateLimitCounter" WHERE ("bucket", "resetAt") IN (
         SELECT "bucket", "resetAt" FROM "RateLimitCounter" WHERE "resetAt" < $1::timestamp LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [before.toISOString(), max],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The end of the fixed window holding `now` (ms since the epoch). */
export function windowEnd(now: number, windowMs: number): number {
  return (Math.floor(now / windowMs) + 1) * windowMs;
}

/**
 * The headers of a limited response: the IETF draft's `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers: `"name";q=<quota>;w=<window s>` and
 * `"name";r=<remaining>;t=<seconds to reset>`), the older `RateLimit-Limit/-Remaining/-Reset`
 * trio that many clients read, and `Retry-After` on a refusal.
 */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  const name = JSON.stringify(r.policy ?? "default");
  const h: Record<string, string> = {
    "RateLimit-Policy": `${name};q=${r.limit};w=${r.windowSeconds ?? 60}`,
    RateLimit: `${name};r=${r.remaining};t=${r.resetSeconds}`,
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(r.resetSeconds),
  };
  if (!r.ok) h["Retry-After"] = String(r.resetSeconds);
  return h;
}
