"use client";
// An endpoint's health (from GET /api/v1/endpoints/{id}: `health`): a badge for the endpoints
// table, and a card for the endpoint page with success rate and latency over 1 h / 24 h / 7 d,
// the failure streak, and the circuit breaker's state.
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { EndpointHealthView } from "@/lib/validations/webhooks";

const STATE: Record<EndpointHealthView["state"], { label: string; variant: "success" | "warning" | "destructive" }> = {
  healthy: { label: "Healthy", variant: "success" },
  failing: { label: "Failing", variant: "warning" },
  disabled: { label: "Disabled", variant: "destructive" },
};

/**
 * The badge for a state. "healthy" with attempts failing right now (too few yet to open the
 * circuit or to count as a low success rate) is not called Healthy: it says Degraded.
 */
function stateOf(h: EndpointHealthView): { label: string; variant: "success" | "warning" | "destructive" } {
  if (h.state === "healthy" && h.consecutive_failures > 0) return { label: "Degraded", variant: "warning" };
  return STATE[h.state];
}

/** One line on why the endpoint is in its state. */
export function healthSummary(h: EndpointHealthView): string {
  if (h.state === "disabled") return "Disabled: deliveries are kept (held) until the endpoint is resumed.";
  if (h.state === "healthy" && h.consecutive_failures > 0) {
    return `The last ${h.consecutive_failures === 1 ? "attempt" : `${h.consecutive_failures} attempts`} failed; deliveries are retried, and held with one probe at a time if failures go on.`;
  }
  if (h.failing_reason === "consecutive_failures") {
    return `${h.consecutive_failures} failed attempts in a row: new deliveries are held and one probe attempt goes at a time.`;
  }
  if (h.failing_reason === "success_rate") return `Only ${h.windows["1h"].success_rate}% of attempts in the last hour succeeded.`;
  const rate = h.windows["24h"].success_rate;
  return rate === null ? "No attempts in the last 24 hours." : `${rate}% of attempts in the last 24 hours succeeded.`;
}

export function EndpointHealthBadge({ health }: { health: EndpointHealthView }) {
  const s = stateOf(health);
  const day = health.windows["24h"];
  const summary =
    healthSummary(health) + (day.latency_p50_ms === null ? "" : ` Latency (24 h): p50 ${ms(day.latency_p50_ms)}, p95 ${ms(day.latency_p95_ms)}.`);
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Badge variant={s.variant} tabIndex={0} aria-label={`${s.label}: ${summary}`} className="cursor-help" data-health={health.state}>
          {s.label}
        </Badge>
      </TooltipTrigger>
      <TooltipContent className="max-w-xs">{summary}</TooltipContent>
    </Tooltip>
  );
}

const ms = (v: number | null) => (v === null ? "—" : v >= 1000 ? `${Math.round(v / 100) / 10} s` : `${v} ms`);
const pct = (v: number | null) => (v === null ? "—" : `${v}%`);

export function EndpointHealthCard({ health: h }: { health: EndpointHealthView }) {
  const s = stateOf(h);
  return (
    <section aria-labelledby="endpoint-health-heading" className="grid gap-3 rounded-lg border p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="endpoint-health-heading" className="text-lg font-semibold">
          Health
        </h2>
        <Badge variant={s.variant} data-health={h.state}>
          {s.label}
        </Badge>
        <p className="text-sm text-muted-foreground">{healthSummary(h)}</p>
      </div>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-muted-foreground">Failed attempts in a row</dt>
          <dd className="tabular-nums">{h.consecutive_failures}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Last success</dt>
          <dd>
            {h.last_success_at && h.seconds_since_last_success !== null ? (
              <LocalTime format="relative" iso={h.last_success_at} />
            ) : (
              "None in 7 days"
            )}
          </dd>
        </div>
        <div>
          <dt className="text-muted-foreground">{h.state === "failing" ? "Failing since" : "First failure"}</dt>
          <dd>{h.failing_since ? <LocalTime format="datetime" iso={h.failing_since} /> : "—"}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Circuit</dt>
          <dd>
            {h.circuit.state === "open" ? (
              <>
                Open{h.circuit.probes ? `, ${h.circuit.probes} failed probe${h.circuit.probes === 1 ? "" : "s"}` : ""}
                {h.circuit.next_probe_at ? (
                  <>
                    ; next probe <LocalTime format="datetime" iso={h.circuit.next_probe_at} />
                  </>
                ) : null}
              </>
            ) : (
              "Closed"
            )}
          </dd>
        </div>
      </dl>

      {h.disables_at ? (
        <p role="status" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm">
          Gatehouse disables this endpoint at <LocalTime format="datetime" iso={h.disables_at} /> unless an attempt succeeds before. Held
          deliveries are kept and go out, in order, when it recovers or is resumed.
        </p>
      ) : null}

      <table className="w-full max-w-xl text-sm">
        <caption className="sr-only">Attempts, success rate and latency by window</caption>
        <thead>
          <tr className="text-left text-muted-foreground">
            <th scope="col" className="py-1 font-medium">Window</th>
            <th scope="col" className="py-1 text-right font-medium">Attempts</th>
            <th scope="col" className="py-1 text-right font-medium">Success rate</th>
            <th scope="col" className="py-1 text-right font-medium">p50</th>
            <th scope="col" className="py-1 text-right font-medium">p95</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {(["1h", "24h", "7d"] as const).map((w) => (
            <tr key={w} className="border-t">
              <th scope="row" className="py-1 text-left font-normal">
                {w === "1h" ? "Last hour" : w === "24h" ? "Last 24 hours" : "Last 7 days"}
              </th>
              <td className="py-1 text-right">{h.windows[w].attempts}</td>
              <td className="py-1 text-right">{pct(h.windows[w].success_rate)}</td>
              <td className="py-1 pl-3 text-right whitespace-nowrap">{ms(h.windows[w].latency_p50_ms)}</td>
              <td className="py-1 pl-3 text-right whitespace-nowrap">{ms(h.windows[w].latency_p95_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export { ms as formatLatency, pct as formatRate };
