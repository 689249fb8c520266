"use client";
// Status and subscription badges shared by the endpoints table and the endpoint page.
import { Badge } from "@/components/ui/badge";
import { formatExact } from "@/components/ui/time-format";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { EndpointView } from "@/lib/validations/webhooks";

const STATUS: Record<EndpointView["status"], { label: string; variant: "success" | "warning" | "destructive" }> = {
  ACTIVE: { label: "Active", variant: "success" },
  PAUSED: { label: "Paused", variant: "warning" },
  DISABLED: { label: "Disabled", variant: "destructive" },
};

/** Active / Paused / Disabled; a disabled endpoint says why in a tooltip (focusable, so keyboards reach it). */
export function EndpointStatusBadge({ endpoint }: { endpoint: Pick<EndpointView, "status" | "disabled_reason"> }) {
  const s = STATUS[endpoint.status];
  if (endpoint.status !== "DISABLED" || !endpoint.disabled_reason) return <Badge variant={s.variant}>{s.label}</Badge>;
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Badge
          variant={s.variant}
          tabIndex={0}
          aria-label={`${s.label}: ${endpoint.disabled_reason}`}
          className="cursor-help"
        >
          {s.label}
        </Badge>
      </TooltipTrigger>
      <TooltipContent className="max-w-xs">{endpoint.disabled_reason}</TooltipContent>
    </Tooltip>
  );
}

/** What a receiver's 429/503 answered, for people: "429 Too Many Requests". */
export function askedStatusText(status: number | null): string {
  return status === 429 ? "429 Too Many Requests" : status === 503 ? "503 Service Unavailable" : "429 or 503";
}

/**
 * "Waiting": the receiver's Retry-After holds every send to the endpoint until then. Shown beside
 * Active (nobody here paused it); the tooltip says until when (rendered in the browser only, in
 * the viewer's time zone).
 */
export function ReceiverPauseBadge({ pause }: { pause: NonNullable<EndpointView["health"]["receiver_pause"]> }) {
  const why = `The receiver answered ${askedStatusText(pause.status)} with Retry-After`;
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Badge variant="warning" tabIndex={0} aria-label={`Waiting: ${why}; nothing is sent to it until then`} className="cursor-help">
          Waiting
        </Badge>
      </TooltipTrigger>
      <TooltipContent className="max-w-xs">
        {why}: nothing is sent to it until {formatExact(pause.until)}.
      </TooltipContent>
    </Tooltip>
  );
}

/** "All events" for an empty subscription, else the first `max` types and "+N". */
export function EventTypeBadges({ types, max = 2 }: { types: string[]; max?: number }) {
  if (types.length === 0) return <span className="text-muted-foreground">All events</span>;
  const shown = types.slice(0, max);
  const rest = types.slice(max);
  return (
    <span className="flex flex-wrap items-center gap-1">
      {shown.map((t) => (
        <Badge key={t} variant="secondary" className="font-mono">
          {t}
        </Badge>
      ))}
      {rest.length ? (
        <Badge variant="outline" title={rest.join(", ")} aria-label={`and ${rest.length} more: ${rest.join(", ")}`}>
          +{rest.length}
        </Badge>
      ) : null}
    </span>
  );
}
