// In-process fixed-window rate limiter (one node). Keys are namespaced by the caller, e.g.
// "signin:ip:1.2.3.4". Returns what the IETF RateLimit headers need.
export type RateLimitResult = { ok: boolean; limit: number; remaining: number; resetSeconds: number };

type Window = { count: number; resetAt: number };
const g = globalThis as unknown as { __gatehouseRateLimits?: Map<string, Window> };
const windows = (g.__gatehouseRateLimits ??= new Map());
let lastSweep = 0;

/** Counts `cost` (1 request, or e.g. a body's bytes) against `limit` per window. */
export function rateLimit(key: string, limit: number, windowMs: number, now = Date.now(), cost = 1): RateLimitResult {
  if (now - lastSweep > 60_000) sweep(now);
  let w = windows.get(key);
  if (!w || w.resetAt <= now) {
    w = { count: 0, resetAt: now + windowMs };
    windows.set(key, w);
  }
  w.count += cost;
  const resetSeconds = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  return { ok: w.count <= limit, limit, remaining: Math.max(0, limit - w.count), resetSeconds };
}

/** Looks without counting. */
export function peekRateLimit(key: string, limit: number, now = Date.now()): RateLimitResult {
  const w = windows.get(key);
  if (!w || w.resetAt <= now) return { ok: true, limit, remaining: limit, resetSeconds: 0 };
  return {
    ok: w.count < limit,
    limit,
    remaining: Math.max(0, limit - w.count),
    resetSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)),
  };
}

export function resetRateLimit(key: string): void {
  windows.delete(key);
}

export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  const h: Record<string, string> = {
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(r.resetSeconds),
  };
  if (!r.ok) h["Retry-After"] = String(r.resetSeconds);
  return h;
}

function sweep(now: number) {
  lastSweep = now;
  for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
}
