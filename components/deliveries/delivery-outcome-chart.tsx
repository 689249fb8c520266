"use client";
// One endpoint's delivery outcomes over time: a small stacked bar chart (Recharts, as shadcn's
// chart component uses) of its deliveries by status per hour (last 24 hours) or per UTC day
// (last 7 days). The totals are shown as the legend, the whole chart is summed up in its
// accessible name, and a visually hidden table gives screen readers every bucket. It polls
// every 2 s while a delivery in the window is pending, like the delivery list below it.
import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Rectangle, Tooltip, XAxis, YAxis, type BarShapeProps, type TooltipContentProps } from "recharts";
import {
  bucketRange,
  bucketTick,
  deliveriesCount,
  formatCompact,
  OUTCOME_ORDER,
  outcomesSummary,
  STATUS_LABELS,
  successRate,
} from "@/components/deliveries/format";
import { useDeliveryOutcomes, type DeliveryStatus, type Scoping } from "@/components/deliveries/queries";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";
import { DELIVERY_STATS_WINDOWS, type DeliveryStatsView, type DeliveryStatsWindow } from "@/lib/validations/deliveries";

const WINDOWS = Object.keys(DELIVERY_STATS_WINDOWS) as DeliveryStatsWindow[];
const CHART_HEIGHT = 160;

// Succeeded and failed in the status colours; pending and held muted (held keeps a hint of the
// amber its badge uses), so what needs attention is what stands out.
const SERIES: Record<DeliveryStatus, { fill: string; opacity: number; swatch: string }> = {
  succeeded: { fill: "var(--success)", opacity: 1, swatch: "bg-success" },
  failed: { fill: "var(--destructive)", opacity: 1, swatch: "bg-destructive" },
  pending: { fill: "var(--muted-foreground)", opacity: 0.35, swatch: "bg-muted-foreground/35" },
  held: { fill: "var(--warning)", opacity: 0.35, swatch: "bg-warning/35" },
};

type Bucket = DeliveryStatsView["buckets"][number];

export function DeliveryOutcomeChart({ endpointId, scoping }: { endpointId: string; scoping?: Scoping }) {
  const [period, setPeriod] = useState<DeliveryStatsWindow>("24h");
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="grid min-w-0 gap-3 rounded-lg border bg-card p-4">
      <Tabs value={period} onValueChange={(v) => setPeriod(v as DeliveryStatsWindow)} className="min-w-0 gap-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h3 id={headingId} className="text-sm font-semibold">
            Outcomes
          </h3>
          <TabsList aria-label="Chart period" className="h-8">
            {WINDOWS.map((w) => (
              <TabsTrigger key={w} value={w} className="flex-none px-2.5 text-xs">
                {DELIVERY_STATS_WINDOWS[w].label}
              </TabsTrigger>
            ))}
          </TabsList>
        </div>
        {WINDOWS.map((w) => (
          <TabsContent key={w} value={w} className="min-w-0">
            <OutcomesForPeriod endpointId={endpointId} scoping={scoping} period={w} />
          </TabsContent>
        ))}
      </Tabs>
    </section>
  );
}

function OutcomesForPeriod({ endpointId, scoping, period }: { endpointId: string; scoping?: Scoping; period: DeliveryStatsWindow }) {
  const q = useDeliveryOutcomes(scoping, endpointId, period);
  const label = DELIVERY_STATS_WINDOWS[period].label;

  if (q.isPending) return <OutcomesSkeleton />;
  if (q.isError && !q.data) {
    return (
      <LoadError what="the outcomes" error={q.error} onRetry={() => void q.refetch()} />
    );
  }

  const s = q.data;
  const summary = outcomesSummary(s.totals, label);
  if (s.totals.total === 0) {
    return (
      <div
        className="flex flex-col items-center justify-center gap-1 rounded-md border border-dashed px-4 text-center"
        style={{ height: CHART_HEIGHT }}
      >
        <p className="text-sm font-medium">{summary}</p>
        <p className="text-xs text-muted-foreground">
          Each delivery is counted here by its outcome, per {s.bucket_seconds < 86_400 ? "hour" : "day"}.
        </p>
      </div>
    );
  }
  const rate = successRate(s.totals);
  return (
    <div className="grid min-w-0 gap-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-2">
        <p className="text-sm">
          <span className="font-semibold tabular-nums">{deliveriesCount(s.totals.total)}</span>
          {rate ? <span className="text-muted-foreground"> · {rate} succeeded</span> : null}
        </p>
        <ul aria-label="Totals" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted-foreground">
          {OUTCOME_ORDER.map((status) => (
            <li key={status} className="flex items-center gap-1.5">
              <span aria-hidden className={cn("size-2.5 rounded-[3px]", SERIES[status].swatch)} />
              {STATUS_LABELS[status]}
              <span className="font-medium text-foreground tabular-nums">{s.totals[status]}</span>
            </li>
          ))}
        </ul>
      </div>
      <figure aria-label={summary} className="m-0 min-w-0">
        {/* The drawing is for the eye; the table below says the same to a screen reader. */}
        <div aria-hidden className="min-w-0">
          <OutcomeBars stats={s} />
        </div>
        <OutcomeTable stats={s} windowLabel={label} />
      </figure>
    </div>
  );
}

/** The topmost non-zero series of a bucket gets the rounded top. */
function topOf(b: Bucket): DeliveryStatus | undefined {
  return [...OUTCOME_ORDER].reverse().find((status) => b[status] > 0);
}

function OutcomeBars({ stats }: { stats: DeliveryStatsView }) {
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

function OutcomeTable({ stats, windowLabel }: { stats: DeliveryStatsView; windowLabel: string }) {
  const per = stats.bucket_seconds < 86_400 ? "hour" : "day";
  return (
    // sr-only on the wrapper: a table ignores the width and overflow that hide it, and would
    // widen the page at narrow sizes.
    <div className="sr-only">
    <table>
      <caption>
        Deliveries per {per} by outcome, last {windowLabel}
      </caption>
      <thead>
        <tr>
          <th scope="col">{per === "hour" ? "Hour" : "Day"}</th>
          {OUTCOME_ORDER.map((s) => (
            <th key={s} scope="col">
              {STATUS_LABELS[s]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {stats.buckets.map((b) => (
          <tr key={b.start}>
            <th scope="row">{bucketRange(b.start, stats.bucket_seconds)}</th>
            {OUTCOME_ORDER.map((s) => (
              <td key={s}>{b[s]}</td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          {OUTCOME_ORDER.map((s) => (
            <td key={s}>{stats.totals[s]}</td>
          ))}
        </tr>
      </tfoot>
    </table>
    </div>
  );
}

function OutcomesSkeleton() {
  return (
    <div className="grid gap-3" aria-busy="true">
      <span className="sr-only" role="status">
        Loading delivery outcomes
      </span>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Skeleton className="h-4 w-32" />
        <Skeleton className="h-3 w-64 max-w-full" />
      </div>
      <div className="flex items-end gap-1.5 px-8" style={{ height: CHART_HEIGHT }} aria-hidden>
        {[35, 60, 20, 80, 45, 30, 70, 55, 25, 65, 40, 50].map((h, i) => (
          <Skeleton key={i} className="flex-1 rounded-b-none" style={{ height: `${h}%` }} />
        ))}
      </div>
    </div>
  );
}
