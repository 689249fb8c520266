// The drawing of the delivery outcome chart: stacked bars in plain HTML and CSS from the API's
// buckets. It replaced Recharts (issue 14, Lighthouse): Recharts measured and drew the chart in
// one task of about a second on a phone (4x CPU slowdown) and brought ~120 KB of script; these
// are a few dozen divs with percentage heights, laid out by the browser, no measuring, no script.
// Every column is as wide as the plot allows (flex, min-width 0), so it never widens the page at
// 390 px. The drawing is for the eye (its figure's table says the same to a screen reader): each
// column's title (shown on hover) gives its range and counts, as Recharts' tooltip did.
import { bucketRange, bucketTick, formatCompact, OUTCOME_ORDER, STATUS_LABELS, type LabelZone } from "@/components/deliveries/format";
import { CHART_HEIGHT, SERIES, type Bucket } from "@/components/deliveries/outcome-series";
import { cn } from "@/lib/utils";
import type { DeliveryStatsView } from "@/lib/validations/deliveries";

/** Room under the bars for the time ticks. */
const X_AXIS_HEIGHT = 20;
/** About as many time labels as fit a phone's width. */
const MAX_X_LABELS = 6;

/** The y axis's ticks: 0 up to a round top at or above `max`, in whole steps of 1, 2 or 5 × 10^n (about four of them). */
export function yTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

const totalOf = (b: Bucket) => OUTCOME_ORDER.reduce((n, s) => n + b[s], 0);

/** A column's hover text: "2:00 PM – 3:00 PM: 3 succeeded, 1 failed" (the old tooltip, in words). */
function columnTitle(b: Bucket, seconds: number, zone: LabelZone): string {
  const parts = OUTCOME_ORDER.filter((s) => b[s] > 0).map((s) => `${b[s]} ${STATUS_LABELS[s].toLowerCase()}`);
  return `${bucketRange(b.start, seconds, zone)}: ${parts.length ? parts.join(", ") : "no deliveries"}`;
}

/** `zone`: "fixed" (UTC, en-US) where the server renders it and the page hydrates, then "local". */
export function OutcomeBars({ stats, zone = "local" }: { stats: DeliveryStatsView; zone?: LabelZone }) {
  const seconds = stats.bucket_seconds;
  const buckets = stats.buckets;
  const ticks = yTicks(Math.max(0, ...buckets.map(totalOf)));
  const top = ticks[ticks.length - 1];
  const labelEvery = Math.max(1, Math.ceil(buckets.length / MAX_X_LABELS));
  // The share of each column left empty beside its bar (as Recharts' barCategoryGap).
  const barWidth = buckets.length > 12 ? "82%" : "70%";
  const pct = (n: number) => `${(n / top) * 100}%`;

  return (
    // pt-2: room above the plot for the top tick's label, which is centred on the top grid line.
    <div className="flex w-full min-w-0 overflow-hidden pt-2 text-[11px] text-muted-foreground tabular-nums" style={{ height: CHART_HEIGHT }}>
      {/* y axis: counts, right-aligned against the plot */}
      <div className="relative w-9 shrink-0" style={{ marginBottom: X_AXIS_HEIGHT }}>
        {ticks.map((t) => (
          <span key={t} className="absolute right-1.5 translate-y-1/2 leading-none" style={{ bottom: pct(t) }}>
            {formatCompact(t, zone)}
          </span>
        ))}
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="relative min-h-0 flex-1">
          {ticks.map((t) => (
            <div key={t} className="absolute inset-x-0 border-t border-border" style={{ bottom: pct(t) }} />
          ))}
          <div className="absolute inset-0 flex">
            {buckets.map((b) => {
              const present = OUTCOME_ORDER.filter((s) => b[s] > 0);
              const topmost = present[present.length - 1];
              return (
                <div key={b.start} data-bucket={b.start} title={columnTitle(b, seconds, zone)} className="flex h-full min-w-0 flex-1 justify-center hover:bg-muted/70">
                  <div className="flex h-full flex-col-reverse" style={{ width: barWidth }}>
                    {present.map((s) => (
                      <div
                        key={s}
                        data-outcome={s}
                        className={cn("w-full shrink-0", s === topmost && "rounded-t-[3px]")}
                        style={{ height: pct(b[s]), background: SERIES[s].fill, opacity: SERIES[s].opacity }}
                      />
                    ))}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
        {/* x axis: every few buckets' time, centred under its column */}
        <div className="flex" style={{ height: X_AXIS_HEIGHT }}>
          {buckets.map((b, i) => (
            <div key={b.start} className="relative min-w-0 flex-1">
              {i % labelEvery === 0 ? (
                <span className="absolute top-1.5 left-1/2 -translate-x-1/2 leading-none whitespace-nowrap">{bucketTick(b.start, seconds, zone)}</span>
              ) : null}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
