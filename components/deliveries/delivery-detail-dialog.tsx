"use client";
// One delivery: its status, ids (the delivery id is the webhook-id header the receiver got),
// endpoint and event type; then its attempts as a timeline, oldest first, each with the exact
// request and what came back, and who replayed it. Replay queues another attempt of the same
// delivery (the same webhook-id), which the dialog shows, live, until it settles.
import { ArrowRight, ChevronRight, RotateCcw } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { DeliveryStatusBadge } from "@/components/deliveries/delivery-status-badge";
import { formatHeaders, formatLatency, prettyBody } from "@/components/deliveries/format";
import { endpointPath } from "@/components/webhooks/paths";
import { formatExact } from "@/components/ui/time-format";
import { useDelivery, useReplayDelivery, type DeliveryAttempt, type DeliveryDetail, type Scoping } from "@/components/deliveries/queries";
import { RelativeTime } from "@/components/deliveries/relative-time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";

export type DeliveryDetailDialogProps = {
  /** The delivery shown; null closes the dialog. */
  deliveryId: string | null;
  /** Called with another delivery's id (one an older replay made, or the one it replayed) or null (closed). */
  onDeliveryChange: (id: string | null) => void;
  canReplay: boolean;
  /** Link the endpoint's name to its page (off when already on that page). */
  showEndpointLink?: boolean;
  scoping?: Scoping;
};

export function DeliveryDetailDialog({
  deliveryId,
  onDeliveryChange,
  canReplay,
  showEndpointLink = true,
  scoping,
}: DeliveryDetailDialogProps) {
  return (
    <Dialog open={deliveryId !== null} onOpenChange={(open) => (open ? null : onDeliveryChange(null))}>
      <DialogContent className="max-h-[92vh] overflow-y-auto sm:max-w-3xl">
        <DialogHeader>
          <DialogTitle>Delivery details</DialogTitle>
          <DialogDescription>
            Every attempt with the exact request sent and what the endpoint answered.
          </DialogDescription>
        </DialogHeader>
        {deliveryId ? (
          <DeliveryDetailBody
            key={deliveryId}
            id={deliveryId}
            scoping={scoping}
            canReplay={canReplay}
            showEndpointLink={showEndpointLink}
            onDeliveryChange={onDeliveryChange}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function DeliveryDetailBody({
  id,
  scoping,
  canReplay,
  showEndpointLink,
  onDeliveryChange,
}: {
  id: string;
  scoping?: Scoping;
  canReplay: boolean;
  showEndpointLink: boolean;
  onDeliveryChange: (id: string | null) => void;
}) {
  const q = useDelivery(scoping, id);
  const replay = useReplayDelivery(scoping);

  if (q.isPending) {
    return (
      <div className="grid gap-3" aria-busy="true">
        <Spinner label="Loading delivery" />
        <Skeleton className="h-5 w-2/3" />
        <Skeleton className="h-5 w-1/2" />
        <Skeleton className="h-24 w-full" />
      </div>
    );
  }
  if (q.isError) {
    return (
      <div role="alert" className="grid gap-3 rounded-md border border-destructive/30 bg-destructive/5 px-4 py-3 text-sm">
        <p className="text-destructive">Could not load this delivery: {q.error.message}</p>
        <Button variant="outline" size="sm" className="w-fit" onClick={() => void q.refetch()}>
          Try again
        </Button>
      </div>
    );
  }

  const d = q.data;
  const replayable = d.status === "succeeded" || d.status === "failed";

  function onReplay() {
    replay.mutate(d.id, {
      onSuccess: (r) => {
        const next = `Attempt ${r.attempts + 1} of ${r.id}${r.status === "held" ? ", held while the endpoint is paused" : ""}.`;
        if (r.url_changed_from) {
          // The replay goes to the endpoint's URL now, not where the last attempt went: say so.
          toast.warning("Replay queued to the endpoint's new URL", { description: `The last attempt went to ${r.url_changed_from}. ${next}` });
        } else toast.success("Replay queued", { description: next });
      },
      onError: (err) => toast.error(`Could not replay: ${err.message}`),
    });
  }

  return (
    <div className="grid min-w-0 gap-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <DeliveryStatusBadge status={d.status} reason={d.held_reason} />
          <code className="font-mono text-sm">{d.event_type}</code>
          {d.held_reason ? <span className="w-full text-sm text-muted-foreground">Held: {d.held_reason}</span> : null}
          <span className="text-sm text-muted-foreground">
            to{" "}
            {showEndpointLink ? (
              <Link href={endpointPath(d.endpoint_id)} className="font-medium text-foreground underline-offset-4 hover:underline">
                {d.endpoint_name}
              </Link>
            ) : (
              <span className="font-medium text-foreground">{d.endpoint_name}</span>
            )}
          </span>
        </div>
        {canReplay && replayable ? (
          <Button size="sm" onClick={onReplay} disabled={replay.isPending}>
            {replay.isPending ? <Spinner label="Queuing replay" /> : <RotateCcw aria-hidden />}
            Replay
          </Button>
        ) : null}
      </div>

      <dl className="grid min-w-0 gap-x-6 gap-y-3 text-sm sm:grid-cols-[auto_1fr]">
        <Field label="Delivery id" hint="Sent as the webhook-id header; the same on every retry.">
          <IdValue value={d.id} label="Copy delivery id" />
        </Field>
        <Field label="Event id">
          <IdValue value={d.event_id} label="Copy event id" />
          <Link
            href={`/settings/organization/webhooks/events/${encodeURIComponent(d.event_id)}`}
            className="text-xs underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none"
          >
            Open event
          </Link>
        </Field>
        <Field label="Endpoint id">
          <IdValue value={d.endpoint_id} label="Copy endpoint id" />
        </Field>
        {d.caused_by ? (
          <Field label="Caused by" hint="What sent the event, sealed when it was stored.">
            <CausedBy cause={d.caused_by} eventId={d.event_id} />
          </Field>
        ) : null}
        {d.replay_of ? (
          <Field label="Replay of" hint="Made by a replay before replays became attempts of the same delivery.">
            <button
              type="button"
              onClick={() => onDeliveryChange(d.replay_of)}
              className="inline-flex min-w-0 items-center gap-1 rounded-sm font-mono text-xs underline-offset-4 hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
              aria-label={`Open the replayed delivery ${d.replay_of}`}
            >
              <span className="truncate">{d.replay_of}</span>
              <ArrowRight className="size-3 shrink-0" aria-hidden />
            </button>
          </Field>
        ) : null}
        <Field label="Created">
          <RelativeTime iso={d.created_at} /> <span className="text-muted-foreground">({formatExact(d.created_at)})</span>
        </Field>
        {d.completed_at ? (
          <Field label={d.status === "failed" ? "Gave up" : "Completed"}>
            <RelativeTime iso={d.completed_at} />
          </Field>
        ) : null}
      </dl>

      <section aria-labelledby={`attempts-${d.id}`} className="grid min-w-0 gap-3">
        <h3 id={`attempts-${d.id}`} className="text-sm font-semibold">
          Attempts <span className="font-normal text-muted-foreground">({d.attempt_log.length})</span>
        </h3>
        <AttemptTimeline delivery={d} />
      </section>
    </div>
  );
}

const linkClass = "font-medium text-foreground underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none";

/** "credential X posting event Y at T from address A", each named thing a link. */
function CausedBy({ cause: c, eventId }: { cause: NonNullable<DeliveryDetail["caused_by"]>; eventId: string }) {
  const eventLink = (
    <Link href={`/settings/organization/webhooks/events/${encodeURIComponent(eventId)}`} className={cn(linkClass, "font-mono text-xs")}>
      {eventId}
    </Link>
  );
  const who =
    c.type === "credential" && c.id ? (
      <>
        credential{" "}
        <Link href={`/settings/organization/credentials/${encodeURIComponent(c.id)}`} className={linkClass}>
          {c.label}
        </Link>{" "}
        posting event
      </>
    ) : c.type === "user" ? (
      <>
        member <span className="font-medium text-foreground">{c.label}</span> sending event
      </>
    ) : c.type === "inbound" && c.id ? (
      <>
        incoming webhook{" "}
        <Link href="/settings/organization/webhooks?tab=incoming" className={linkClass}>
          {c.label}
        </Link>{" "}
        {c.message_id ? <>(message <code className="font-mono text-xs">{c.message_id}</code>)</> : null} making event
      </>
    ) : (
      <>Gatehouse itself making event</>
    );
  return (
    <span className="text-sm text-muted-foreground" data-testid="delivery-provenance">
      {who} {eventLink} at {formatExact(c.at)}
      {c.ip ? (
        <>
          {" "}
          from <code className="font-mono text-xs text-foreground">{c.ip}</code>
        </>
      ) : null}
      {c.verified ? null : (
        <Badge variant="destructive" className="ml-2">
          changed since it was stored
        </Badge>
      )}
    </span>
  );
}

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground" title={hint}>
        {label}
      </dt>
      <dd className="flex min-w-0 flex-wrap items-center gap-1">{children}</dd>
    </>
  );
}

function IdValue({ value, label }: { value: string; label: string }) {
  return (
    <span className="flex min-w-0 items-center gap-1">
      <code className="truncate font-mono text-xs" title={value}>
        {value}
      </code>
      <CopyButton value={value} label={label} className="size-7" />
    </span>
  );
}

function AttemptTimeline({ delivery: d }: { delivery: DeliveryDetail }) {
  const waiting =
    d.status === "pending" ? (
      <TimelineItem tone="pending" last>
        <p className="text-sm font-medium">
          {d.attempt_log.length === 0 ? "First attempt" : `Attempt ${d.attempt_log.length + 1}`}{" "}
          {d.replay_requested_at ? (
            <span className="font-normal text-muted-foreground">
              (replay by {d.replay_requested_by ?? "someone"}, <RelativeTime iso={d.replay_requested_at} />){" "}
            </span>
          ) : null}
          <span className="font-normal text-muted-foreground">
            {d.next_attempt_at ? (
              <>
                scheduled <RelativeTime iso={d.next_attempt_at} />
              </>
            ) : (
              "under way"
            )}
          </span>
        </p>
      </TimelineItem>
    ) : d.status === "held" ? (
      <TimelineItem tone="pending" last>
        <p className="text-sm text-muted-foreground">
          {d.replay_requested_at ? `Replayed by ${d.replay_requested_by ?? "someone"}; held` : "Held"} while the endpoint is paused;
          sent in order when it resumes.
        </p>
      </TimelineItem>
    ) : null;

  if (d.attempt_log.length === 0 && !waiting) {
    return <p className="text-sm text-muted-foreground">No attempts were recorded.</p>;
  }
  return (
    <ol aria-label="Attempts" className="grid min-w-0">
      {d.attempt_log.map((a, i) => (
        <TimelineItem key={a.number} tone={outcome(a)} last={i === d.attempt_log.length - 1 && !waiting}>
          <Attempt attempt={a} />
        </TimelineItem>
      ))}
      {waiting}
    </ol>
  );
}

type Tone = "ok" | "bad" | "pending";

function outcome(a: DeliveryAttempt): Tone {
  return a.response_status !== null && a.response_status >= 200 && a.response_status < 300 ? "ok" : "bad";
}

function TimelineItem({ tone, last, children }: { tone: Tone; last: boolean; children: ReactNode }) {
  return (
    <li className="relative grid min-w-0 grid-cols-[1.25rem_1fr] gap-3 pb-5 last:pb-0">
      {last ? null : <span aria-hidden className="absolute top-4 bottom-0 left-[0.5625rem] w-px bg-border" />}
      <span
        aria-hidden
        className={cn(
          "relative mt-1 size-3 justify-self-center rounded-full border-2",
          tone === "ok" && "border-success bg-success",
          tone === "bad" && "border-destructive bg-destructive",
          tone === "pending" && "animate-pulse border-muted-foreground bg-background motion-reduce:animate-none",
        )}
      />
      <div className="min-w-0">{children}</div>
    </li>
  );
}

function Attempt({ attempt: a }: { attempt: DeliveryAttempt }) {
  return (
    <div className="grid min-w-0 gap-2" data-attempt={a.number}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="font-medium">Attempt {a.number}</span>
        {a.replayed_at ? (
          <Badge variant="outline" title={`Replay asked for ${formatExact(a.replayed_at)}`}>
            <RotateCcw aria-hidden className="size-3" />
            Replayed by {a.replayed_by ?? "someone"}
          </Badge>
        ) : null}
        {a.response_status !== null ? (
          <Badge variant={outcome(a) === "ok" ? "success" : "destructive"} className="font-mono">
            {a.response_status}
          </Badge>
        ) : null}
        {a.error ? <span className="min-w-0 text-destructive">{a.error}</span> : null}
        <time dateTime={a.created_at} className="text-muted-foreground">
          {formatExact(a.created_at)}
        </time>
        <span className="text-muted-foreground tabular-nums" title="Latency">
          {formatLatency(a.latency_ms)}
        </span>
        {a.url ? (
          <span className="min-w-0 truncate font-mono text-xs text-muted-foreground" title={a.url}>
            to {a.url}
          </span>
        ) : null}
      </div>
      <details className="group min-w-0 rounded-md border">
        <summary className="flex cursor-pointer list-none items-center gap-1.5 rounded-md px-3 py-2 text-sm select-none hover:bg-muted/50 focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none [&::-webkit-details-marker]:hidden">
          <ChevronRight className="size-4 transition-transform group-open:rotate-90" aria-hidden />
          Request and response
        </summary>
        <div className="grid min-w-0 gap-4 border-t p-3">
          <HttpBlock title="Request headers" text={formatHeaders(a.request_headers)} copyLabel={`Copy request headers of attempt ${a.number}`} />
          <HttpBlock
            title="Request body"
            text={prettyBody(a.request_body)}
            copy={a.request_body}
            copyLabel={`Copy request body of attempt ${a.number}`}
            note="Copies the exact bytes that were signed."
          />
          {a.response_status === null && a.response_headers === null ? (
            <p className="text-sm text-muted-foreground">No response{a.error ? `: ${a.error}` : "."}</p>
          ) : (
            <>
              <HttpBlock
                title="Response headers"
                text={formatHeaders(a.response_headers)}
                copyLabel={`Copy response headers of attempt ${a.number}`}
              />
              <HttpBlock
                title="Response body"
                text={a.response_body ? prettyBody(a.response_body) : ""}
                copy={a.response_body ?? ""}
                copyLabel={`Copy response body of attempt ${a.number}`}
                note="Kept up to 16 KiB."
              />
            </>
          )}
        </div>
      </details>
    </div>
  );
}

function HttpBlock({
  title,
  text,
  copy,
  copyLabel,
  note,
}: {
  title: string;
  text: string;
  copy?: string;
  copyLabel: string;
  note?: string;
}) {
  return (
    <div className="grid min-w-0 gap-1.5">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-xs font-medium tracking-wide text-muted-foreground uppercase">{title}</h4>
        {note ? <span className="text-xs text-muted-foreground">{note}</span> : null}
      </div>
      {text ? (
        <CodeBlock code={text} copyValue={copy} label={copyLabel} codeLabel={title} className="max-h-72" />
      ) : (
        <p className="text-sm text-muted-foreground">(empty)</p>
      )}
    </div>
  );
}
