"use client";
// One endpoint's delivery outcomes over time: a small stacked bar chart (plain HTML bars,
// outcome-bars.tsx) of its deliveries by status per hour (last 24 hours) or per UTC day
// (last 7 days). The totals are shown as the legend, the whole chart is summed up in its
// accessible name, and a visually hidden table gives screen readers every bucket. It polls
// every 2 s while a delivery in the window is pending, like the delivery list below it.
import { useId, useState } from "react";
import { bucketRange, deliveriesCount, OUTCOME_ORDER, outcomesSummary, STATUS_LABELS, successRate, type LabelZone } from "@/components/deliveries/format";
import { OutcomeBars } from "@/components/deliveries/outcome-bars";
import { useHydrated } from "@/components/ui/use-hydrated";
import { CHART_HEIGHT, SERIES } from "@/components/deliveries/outcome-series";
import { useDeliveryOutcomes, type Scoping } from "@/components/deliveries/queries";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";
import type { DeliveryStatsView } from "@/lib/validations/deliveries";
import { DELIVERY_STATS_WINDOWS, type DeliveryStatsWindow } from "@/lib/validations/delivery-stats-windows";

const WINDOWS = Object.keys(DELIVERY_STATS_WINDOWS) as DeliveryStatsWindow[];

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
  // The first 24 hours come with the HTML (the page loads them): its hours are named in UTC until
  // the page has hydrated, then in the viewer's time.
  const zone = useHydrated() ? "local" : "fixed";
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
          <OutcomeBars stats={s} zone={zone} />
        </div>
        <OutcomeTable stats={s} windowLabel={label} zone={zone} />
      </figure>
    </div>
  );
}

function OutcomeTable({ stats, windowLabel, zone }: { stats: DeliveryStatsView; windowLabel: string; zone: LabelZone }) {
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
            <th scope="row">{bucketRange(b.start, stats.bucket_seconds, zone)}</th>
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
