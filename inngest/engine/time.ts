// Durations and instants as the Inngest protocol writes them.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a time string ("30s", "1h30m", "1.5h", "300ms") into milliseconds; undefined if invalid. */
export function parseTimeString(input: string): number | undefined {
  const s = input.trim();
  if (!s) return undefined;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === s.length ? total : undefined;
}

/** When a `Sleep` op ends: its value is a time string or an RFC 3339 date. */
export function sleepUntil(value: string, now: number): number | undefined {
  const ms = parseTimeString(value);
  if (ms !== undefined) return now + ms;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * When to retry, from a `retry-after` header: delay-seconds (what `RetryAfterError` sends)
 * or a date (RFC 3339 from `RetryAfterError(date)`, or an HTTP date).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return now + Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(at, now);
}

/**
 * Delay before retry `attempt` (1 = first retry) when the app gave no retry-after: exponential
 * from 10 s, capped at 1 h, with ±20 % jitter so failures of many runs spread out.
 */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
