import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { pruneRateLimits, rateLimit, rateLimitHeaders, rateLimits, resetRateLimit, windowEnd } from "@/lib/api/rate-limit";
import { sql } from "@/lib/db/sql";

const MIN = 60_000;
// The middle of a window, so no test straddles a boundary by accident.
const mid = () => windowEnd(Date.now(), MIN) - MIN / 2;
let n = 0;
const key = (what: string) => `test:${what}:${Date.now()}:${n++}`;

describe("rate limits in the database", () => {
  it("lets exactly `limit` of many concurrent requests through, each with its own count", async () => {
    const k = key("burst");
    const now = mid();
    const results = await Promise.all(Array.from({ length: 120 }, () => rateLimit(k, 50, MIN, { now })));
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    // Every request got its own place in the count: remaining 49 … 0, then 0s for the refused.
    const remaining = results.filter((r) => r.ok).map((r) => r.remaining).sort((a, b) => b - a);
    expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
    const rows = await sql<{ count: string | number }>(`SELECT "count" FROM "RateLimitCounter" WHERE "bucket" = $1`, [k]);
    expect(rows.map((r) => Number(r.count))).toEqual([120]);
  });

  it("keeps buckets apart and counts costs (bytes) in one batch", async () => {
    const a = key("a");
    const b = key("b");
    const now = mid();
    const calls = Array.from({ length: 60 }, (_, i) =>
      rateLimits([{ key: a, limit: 10, windowMs: MIN }, { key: b, limit: 1000, windowMs: MIN, cost: 30 }], now).then((r) => [i, r] as const),
    );
    const out = await Promise.all(calls);
    expect(out.filter(([, r]) => r[0]!.ok)).toHaveLength(10);
    expect(out.filter(([, r]) => r[1]!.ok)).toHaveLength(33); // 33 × 30 = 990 ≤ 1000 < 34 × 30
    const counts = await sql<{ bucket: string; count: string | number }>(
      `SELECT "bucket", "count" FROM "RateLimitCounter" WHERE "bucket" = ANY($1::text[]) ORDER BY "bucket"`,
      [[a, b]],
    );
    // a (limit 10) is counted request by request, refusals included; b (limit 1,000) in slices:
    // the first request's 30, then one slice for the 59 that waited meanwhile (1,770), granted
    // only up to the limit; b then refuses in memory.
    expect(counts.map((c) => [c.bucket, Number(c.count)])).toEqual([[a, 60], [b, 1800]]);
  });

  it("hands large limits out in slices (at least 1% of the limit, or what the waiting requests need)", async () => {
    const k = key("slices");
    const now = mid();
    const results = await Promise.all(Array.from({ length: 450 }, () => rateLimit(k, 10_000, MIN, { now })));
    expect(results.every((r) => r.ok)).toBe(true);
    // Each request sees its own place: remaining 9,999 … 9,550.
    expect(new Set(results.map((r) => r.remaining)).size).toBe(450);
    expect(Math.min(...results.map((r) => r.remaining))).toBe(9_550);
    const [row] = await sql<{ count: string | number }>(`SELECT "count" FROM "RateLimitCounter" WHERE "bucket" = $1`, [k]);
    // Slices of 100, or bigger ones that cover every request waiting at the time.
    expect(Number(row!.count)).toBeGreaterThanOrEqual(450);
    expect(Number(row!.count)).toBeLessThan(450 + 100);
  });

  it("two processes spending slices of one limit let at most the limit through, and at least limit − one slice each", async () => {
    const k = key("two");
    const now = mid();
    // A second copy of the module: its own slices, as another process would hold them.
    vi.resetModules();
    const other = await import("@/lib/api/rate-limit");
    expect(other.rateLimit).not.toBe(rateLimit);
    const limit = 1_000; // slices of 10
    const [mine, theirs] = await Promise.all([
      Promise.all(Array.from({ length: 800 }, () => rateLimit(k, limit, MIN, { now }))),
      Promise.all(Array.from({ length: 800 }, () => other.rateLimit(k, limit, MIN, { now }))),
    ]);
    const passed = [...mine, ...theirs].filter((r) => r.ok).length;
    expect(passed).toBeLessThanOrEqual(limit);
    expect(passed).toBeGreaterThanOrEqual(limit - 2 * 10);
    expect(mine.filter((r) => r.ok).length).toBeGreaterThan(0);
    expect(theirs.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it("starts again in the next window and reports the seconds to the window's end", async () => {
    const k = key("window");
    const end = windowEnd(Date.now(), MIN);
    const first = await rateLimit(k, 1, MIN, { now: end - 10_500 });
    expect(first).toMatchObject({ ok: true, remaining: 0, resetSeconds: 11 });
    expect((await rateLimit(k, 1, MIN, { now: end - 1 })).ok).toBe(false);
    expect((await rateLimit(k, 1, MIN, { now: end })).ok).toBe(true);
  });

  it("counts what another connection counted (the state is the database's, not the process's)", async () => {
    const k = key("shared");
    const now = mid();
    await rateLimit(k, 5, MIN, { now });
    // Another process would do the same INSERT … ON CONFLICT; here plain SQL plays it.
    const resetAt = new Date(windowEnd(now, MIN)).toISOString();
    const other = process.env.DATABASE_URL?.startsWith("postgres") ? new pg.Client({ connectionString: process.env.DATABASE_URL }) : null;
    const bump = `INSERT INTO "RateLimitCounter" AS c ("bucket", "resetAt", "count") VALUES ($1, $2::timestamp, 3)
                  ON CONFLICT ("bucket", "resetAt") DO UPDATE SET "count" = c."count" + EXCLUDED."count"`;
    if (other) {
      await other.connect();
      try {
        await other.query(bump, [k, resetAt]);
      } finally {
        await other.end();
      }
    } else await sql(bump, [k, resetAt]);
    const r = await rateLimit(k, 5, MIN, { now });
    expect(r).toMatchObject({ ok: true, remaining: 0 });
    expect((await rateLimit(k, 5, MIN, { now })).ok).toBe(false);
    await resetRateLimit(k);
    expect((await rateLimit(k, 5, MIN, { now })).remaining).toBe(4);
  });

  it("prunes the rows of ended windows only", async () => {
    const old = key("old");
    const live = key("live");
    await rateLimit(old, 5, MIN, { now: Date.now() - 5 * MIN });
    await rateLimit(live, 5, MIN);
    expect(await pruneRateLimits()).toBeGreaterThanOrEqual(1);
    const left = await sql<{ bucket: string }>(`SELECT "bucket" FROM "RateLimitCounter" WHERE "bucket" = ANY($1::text[])`, [[old, live]]);
    expect(left.map((r) => r.bucket)).toEqual([live]);
  });

  it("writes the IETF RateLimit and RateLimit-Policy fields beside the RateLimit-* trio", () => {
    const h = rateLimitHeaders({ ok: false, limit: 100, remaining: 0, resetSeconds: 7, windowSeconds: 60, policy: "api" });
    expect(h).toEqual({
      "RateLimit-Policy": '"api";q=100;w=60',
      RateLimit: '"api";r=0;t=7',
      "RateLimit-Limit": "100",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "7",
      "Retry-After": "7",
    });
  });
});
