// The console's one relative-time formatter ("just now", "5 minutes ago", "in 30 seconds",
// "yesterday") and exact-time formatter, in the viewer's locale. Deliveries need seconds (retries
// of the first minutes are 30 s apart); elsewhere under 45 s is "just now".
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "May 5, 2026, 14:03:07" in the viewer's locale. */
export function formatExact(iso: string): string {
  return exact.format(new Date(iso));
}

/**
 * "just now", "5 minutes ago", "in 2 days", "yesterday". With `seconds`, under a minute shows
 * seconds ("in 30 seconds"), except within 5 s of now ("just now", "in a moment").
 */
export function formatRelative(iso: string, opts: { now?: number; seconds?: boolean } = {}): string {
  const diff = Math.round((new Date(iso).getTime() - (opts.now ?? Date.now())) / 1000);
  const abs = Math.abs(diff);
  if (opts.seconds) {
    if (abs < 5) return diff > 0 ? "in a moment" : "just now";
    if (abs < 60) return relative.format(diff, "second");
  } else if (abs < 45) {
    return "just now";
  }
  for (const [unit, size] of UNITS) {
    if (abs >= size) return relative.format(Math.round(diff / size), unit);
  }
  return relative.format(Math.round(diff / 60), "minute");
}
