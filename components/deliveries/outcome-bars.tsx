"use client";
// The drawing of the delivery outcome chart (Recharts), in its own module so that the endpoint
// page loads Recharts only when there are outcomes to draw (next/dynamic in delivery-outcome-chart).
import { Bar, BarChart, CartesianGrid, Rectangle, Tooltip, XAxis, YAxis, type BarShapeProps, type TooltipContentProps } from "recharts";
import { bucketRange, bucketTick, formatCompact, OUTCOME_ORDER, STATUS_LABELS } from "@/components/deliveries/format";
import { CHART_HEIGHT, SERIES, type Bucket } from "@/components/deliveries/outcome-series";
import type { DeliveryStatus } from "@/components/deliveries/queries";
import { cn } from "@/lib/utils";
import type { DeliveryStatsView } from "@/lib/validations/deliveries";

/** The topmost non-zero series of a bucket gets the rounded top. */
function topOf(b: Bucket): DeliveryStatus | undefined {
  return [...OUTCOME_ORDER].reverse().find((status) => b[status] > 0);
}

export function OutcomeBars({ stats }: { stats: DeliveryStatsView }) {
  const seconds = stats.bucket_seconds;
  return (
    <BarChart
      responsive
      accessibilityLayer={false}
      style={{ width: "100%", height: CHART_HEIGHT }}
      data={stats.buckets}
      margin={{ top: 4, right: 4, bottom: 0, left: 0 }}
      barCategoryGap={stats.buckets.length > 12 ? "18%" : "30%"}
    >
      <CartesianGrid vertical={false} stroke="var(--border)" />
      <XAxis
        dataKey="start"
        tickFormatter={(v: string) => bucketTick(v, seconds)}
        tickLine={false}
        axisLine={false}
        tickMargin={6}
        minTickGap={12}
        tick={{ fill: "var(--muted-foreground)", fontSize: 11 }}
      />
      <YAxis
        allowDecimals={false}
        tickLine={false}
        axisLine={false}
        width={36}
        tickFormatter={formatCompact}
        tick={{ fill: "var(--muted-foreground)", fontSize: 11 }}
      />
      <Tooltip
        cursor={{ fill: "var(--muted)", opacity: 0.7 }}
        isAnimationActive={false}
        content={(props: TooltipContentProps) => <OutcomeTooltip {...props} seconds={seconds} />}
      />
      {OUTCOME_ORDER.map((status) => (
        <Bar
          key={status}
          dataKey={status}
          name={STATUS_LABELS[status]}
          stackId="outcomes"
          fill={SERIES[status].fill}
          fillOpacity={SERIES[status].opacity}
          // Live refreshes every 2 s would replay the grow-in each time.
          isAnimationActive={false}
          shape={(p: BarShapeProps) => (
            <Rectangle {...p} radius={topOf(p.payload as Bucket) === status ? [3, 3, 0, 0] : 0} />
          )}
        />
      ))}
    </BarChart>
  );
}

function OutcomeTooltip({ active, payload, seconds }: TooltipContentProps & { seconds: number }) {
  const b = payload?.[0]?.payload as Bucket | undefined;
  if (!active || !b) return null;
  const total = OUTCOME_ORDER.reduce((n, s) => n + b[s], 0);
  return (
    <div className="grid min-w-40 gap-1.5 rounded-md border bg-popover px-3 py-2 text-xs text-popover-foreground shadow-md">
      <p className="font-medium">{bucketRange(b.start, seconds)}</p>
      {total === 0 ? (
        <p className="text-muted-foreground">No deliveries</p>
      ) : (
        <ul className="grid gap-1">
          {OUTCOME_ORDER.filter((s) => b[s] > 0).map((s) => (
            <li key={s} className="flex items-center gap-2">
              <span aria-hidden className={cn("size-2.5 rounded-[3px]", SERIES[s].swatch)} />
              <span className="text-muted-foreground">{STATUS_LABELS[s]}</span>
              <span className="ml-auto font-medium tabular-nums">{b[s]}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
