// Formatting for the deliveries views: times in the viewer's locale (rows come from TanStack
// Query, so they render on the client only and server and client never disagree), status labels,
// the last-response summary and bodies as pretty JSON. Pure functions, tested beside this file.
import type { DeliveryView } from "@/lib/validations/deliveries";

type Status = DeliveryView["status"];

export const STATUS_LABELS: Record<Status, string> = {
  pending: "Pending",
  held: "Held",
  succeeded: "Succeeded",
  failed: "Failed",
};

export const STATUS_VARIANTS: Record<Status, "success" | "warning" | "destructive" | "secondary"> = {
  pending: "secondary",
  held: "warning",
  succeeded: "success",
  failed: "destructive",
};

/** "412 ms", "1.3 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** What the endpoint last answered: the status code, else the network error, else nothing yet. */
export function lastResponse(d: Pick<DeliveryView, "last_response_status" | "last_error">): {
  text: string;
  tone: "ok" | "bad" | "none";
} {
  if (d.last_response_status !== null) {
    return { text: String(d.last_response_status), tone: d.last_response_status < 300 ? "ok" : "bad" };
  }
  if (d.last_error) return { text: d.last_error, tone: "bad" };
  return { text: "—", tone: "none" };
}

/** A body as pretty JSON when it is JSON, else as it was sent. */
export function prettyBody(body: string): string {
  const t = body.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}

/** Headers one per line, `name: value`, in the order recorded. */
export function formatHeaders(headers: Record<string, string> | null): string {
  if (!headers) return "";
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

/** "1 delivery", "3 deliveries". */
export function deliveriesCount(n: number): string {
  return `${n} ${n === 1 ? "delivery" : "deliveries"}`;
}

export const SINCE_PRESETS = [
  { value: "1h", label: "Last hour", ms: 3600_000 },
  { value: "24h", label: "Last 24 hours", ms: 24 * 3600_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 24 * 3600_000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 24 * 3600_000 },
] as const;
export type SinceChoice = (typeof SINCE_PRESETS)[number]["value"] | "custom";

/**
 * The `since` of a bulk replay as ISO 8601 (UTC, which the API accepts as an offset): a preset
 * counts back from now; "custom" reads a datetime-local value in the viewer's time zone.
 * Null when the custom value is empty, unparsable or in the future.
 */
export function sinceToIso(choice: SinceChoice, custom: string, now = Date.now()): string | null {
  if (choice !== "custom") {
    const preset = SINCE_PRESETS.find((p) => p.value === choice)!;
    return new Date(now - preset.ms).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(custom)) return null;
  const d = new Date(custom); // no offset: local time, as datetime-local means it
  if (Number.isNaN(d.getTime()) || d.getTime() > now) return null;
  return d.toISOString();
}

type Outcomes = Record<Status, number>;

/** The outcome chart's series, bottom to top, in the order the legend and the table list them. */
export const OUTCOME_ORDER: Status[] = ["succeeded", "failed", "pending", "held"];

/**
 * Which clock and language the chart's labels use: the viewer's ("local"), or, where the page is
 * rendered on the server and hydrated, a fixed one ("fixed": UTC, en-US) that the server and the
 * browser agree on. The chart shows "fixed" with the HTML and switches to "local" once hydrated.
 */
export type LabelZone = "local" | "fixed";

function formatters(zone: LabelZone) {
  const locale = zone === "fixed" ? "en-US" : undefined;
  const tz = zone === "fixed" ? { timeZone: "UTC" } : {};
  return {
    hourLabel: new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", ...tz }),
    hourTick: new Intl.DateTimeFormat(locale, { hour: "numeric", ...tz }),
    // Day buckets are UTC days (the API's), so they are named in UTC or a viewer west of Greenwich
    // would see each one under the day before.
    dayLabel: new Intl.DateTimeFormat(locale, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" }),
    dayTick: new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }),
    compact: new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }),
  };
}
const FORMATS: Record<LabelZone, ReturnType<typeof formatters>> = { local: formatters("local"), fixed: formatters("fixed") };

/** A count on the chart's axis: "750", "1.2K". */
export const formatCompact = (n: number, zone: LabelZone = "local") => FORMATS[zone].compact.format(n);

/** A bucket's axis tick: "2 PM" (local hour; UTC when "fixed") or "Nov 24" (UTC day). */
export function bucketTick(startIso: string, bucketSeconds: number, zone: LabelZone = "local"): string {
  const f = FORMATS[zone];
  return (bucketSeconds < 86_400 ? f.hourTick : f.dayTick).format(new Date(startIso));
}

/** A bucket as a range for tooltips and the table: "2:00 PM – 3:00 PM" ("… (UTC)" when "fixed") or "Mon, Nov 24 (UTC)". */
export function bucketRange(startIso: string, bucketSeconds: number, zone: LabelZone = "local"): string {
  const f = FORMATS[zone];
  const start = new Date(startIso);
  if (bucketSeconds >= 86_400) return `${f.dayLabel.format(start)} (UTC)`;
  const range = `${f.hourLabel.format(start)} – ${f.hourLabel.format(new Date(start.getTime() + bucketSeconds * 1000))}`;
  return zone === "fixed" ? `${range} (UTC)` : range;
}

/**
 * What the chart shows, in words (its accessible name): "Last 24 hours: 12 deliveries,
 * 10 succeeded, 1 failed, 1 pending, 0 held." or "No deliveries in the last 24 hours".
 */
export function outcomesSummary(totals: Outcomes, windowLabel: string): string {
  const total = OUTCOME_ORDER.reduce((n, s) => n + totals[s], 0);
  if (total === 0) return `No deliveries in the last ${windowLabel}`;
  const parts = OUTCOME_ORDER.map((s) => `${totals[s]} ${STATUS_LABELS[s].toLowerCase()}`);
  return `Last ${windowLabel}: ${deliveriesCount(total)}, ${parts.join(", ")}.`;
}

/** Succeeded out of finished (succeeded + failed), as "92%"; null while none has finished. */
export function successRate(totals: Pick<Outcomes, "succeeded" | "failed">): string | null {
  const done = totals.succeeded + totals.failed;
  if (done === 0) return null;
  const pct = (totals.succeeded / done) * 100;
  // Near the ends one decimal, rounded away from 0% and 100%, so one failure (or one success)
  // among thousands never disappears in the rounding.
  if (pct > 99 && pct < 100) return `${Math.min(Math.floor(pct * 10) / 10, 99.9)}%`;
  if (pct > 0 && pct < 1) return `${Math.max(Math.ceil(pct * 10) / 10, 0.1)}%`;
  return `${Math.round(pct)}%`;
}
