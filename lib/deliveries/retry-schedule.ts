// When failed deliveries are tried again: delays after the first attempt, by default
// 30 s, 2 m, 5 m, 15 m, 1 h, 6 h, 24 h (8 attempts in all). GATEHOUSE_RETRY_SCHEDULE replaces it
// (tests shrink it to seconds).
export const DEFAULT_RETRY_SCHEDULE = "30s,2m,5m,15m,1h,6h,24h";
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not a duration like 30s, 2m, 1h`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

export function parseRetrySchedule(value: string | undefined): number[] {
  const list = (value?.trim() || DEFAULT_RETRY_SCHEDULE).split(",").map(parseDuration);
  if (list.length > 20) throw new Error("GATEHOUSE_RETRY_SCHEDULE: at most 20 retries");
  return list;
}

/** The delays in ms; read once per process. */
export const retrySchedule = (): number[] => parseRetrySchedule(process.env.GATEHOUSE_RETRY_SCHEDULE);

/** Delay after failed attempt number `attempt` (0-based), honouring a capped Retry-After. */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, schedule = retrySchedule()): number {
  const base = schedule[Math.min(attempt, schedule.length - 1)] ?? 0;
  if (retryAfterMs === null) return base;
  // A receiver may slow us down, but not beyond our longest wait (and never past an hour's
  // worth when the schedule is shorter, as in tests).
  const cap = Math.max(...schedule, 3_600_000);
  return Math.min(Math.max(retryAfterMs, 1000), cap);
}

/** Retry-After as seconds or an HTTP date → ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}
