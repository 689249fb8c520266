"use client";
// What one incoming webhook received, newest first and live (polled every few seconds): time,
// source IP, outcome; each message opens to its headers, its body (pretty JSON, raw text, or
// base64 for bytes that are not UTF-8) and what became of it (the event and its deliveries, or
// the forward with its attempts and a Forward again button).
import { ChevronRight, Radio, X } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { LocalTime } from "@/components/ui/local-time";
import { useMessages, useReplayForward, type Outcome, type Scoping } from "@/components/inbound/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { InboundMessageView, InboundWebhookView } from "@/lib/validations/inbound";

const OUTCOME_LABELS: Record<Outcome, string> = { stored: "Stored", emitted: "Event emitted", forwarded: "Forwarded", failed: "Failed" };

type Delivery = InboundMessageView["deliveries"][number];

/** What a message's outcome looks like now: a forward is as good as its latest delivery. */
export function outcomeBadge(m: InboundMessageView): { label: string; variant: "success" | "warning" | "destructive" | "secondary" } {
  if (m.outcome === "failed") return { label: "Failed", variant: "destructive" };
  if (m.outcome === "stored") return { label: "Stored", variant: "secondary" };
  if (m.outcome === "emitted") return { label: "Event emitted", variant: "success" };
  const latest = m.deliveries[m.deliveries.length - 1];
  if (!latest || latest.status === "pending" || latest.status === "held") return { label: "Forwarding", variant: "warning" };
  return latest.status === "succeeded" ? { label: "Forwarded", variant: "success" } : { label: "Forward failed", variant: "destructive" };
}

/** Pretty JSON when the body is JSON; the text as it came otherwise. */
export function displayBody(m: Pick<InboundMessageView, "body" | "body_encoding">): { text: string; kind: "json" | "text" | "base64" } {
  if (m.body_encoding === "base64") return { text: m.body, kind: "base64" };
  try {
    return { text: JSON.stringify(JSON.parse(m.body), null, 2), kind: "json" };
  } catch {
    return { text: m.body, kind: "text" };
  }
}

export function InboundMessages({
  scoping,
  webhook,
  canManage,
  onClose,
}: {
  scoping: Scoping;
  webhook: InboundWebhookView;
  canManage: boolean;
  onClose: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | "all">("all");
  const messages = useMessages(scoping, webhook.id, outcome === "all" ? undefined : outcome);
  const rows = messages.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <section aria-labelledby="inbound-messages-title" className="grid gap-3 rounded-lg border p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="grid gap-1">
          <h3 id="inbound-messages-title" className="flex items-center gap-2 font-semibold">
            Messages of {webhook.name}
            <span className="flex items-center gap-1 text-xs font-normal text-muted-foreground" title="Updates every few seconds">
              <Radio className="size-3.5 text-success" aria-hidden /> Live
            </span>
          </h3>
          <p className="text-sm text-muted-foreground">Newest first. Open a message for its headers and body.</p>
        </div>
        <div className="flex items-center gap-2">
          <Label htmlFor="inbound-outcome" className="text-sm">
            Outcome
          </Label>
          <Select value={outcome} onValueChange={(v) => setOutcome(v as Outcome | "all")}>
            <SelectTrigger id="inbound-outcome" className="w-40" aria-label="Filter by outcome">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">All outcomes</SelectItem>
              {(Object.keys(OUTCOME_LABELS) as Outcome[]).map((o) => (
                <SelectItem key={o} value={o}>
                  {OUTCOME_LABELS[o]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <Button variant="ghost" size="icon" onClick={onClose} aria-label="Close messages">
            <X aria-hidden />
          </Button>
        </div>
      </div>
      {messages.isPending ? (
        <div className="flex justify-center py-6">
          <Spinner />
        </div>
      ) : messages.error && !messages.data ? (
        <p role="alert" className="text-sm text-destructive">
          Could not load messages: {messages.error.message}
        </p>
      ) : rows.length === 0 ? (
        <EmptyState
          title={outcome === "all" ? "Nothing received yet" : "No messages with this outcome"}
          description={
            outcome === "all"
              ? "POST to the webhook URL with the integration token (the create dialog has a curl command); messages appear here within seconds."
              : "Pick another outcome, or All outcomes."
          }
        />
      ) : (
        <ul aria-label={`Messages of ${webhook.name}`} className="grid divide-y rounded-md border">
          {rows.map((m) => (
            <MessageRow key={m.id} scoping={scoping} webhookId={webhook.id} message={m} canManage={canManage} />
          ))}
        </ul>
      )}
      {messages.hasNextPage ? (
        <Button variant="outline" className="justify-self-center" disabled={messages.isFetchingNextPage} onClick={() => void messages.fetchNextPage()}>
          {messages.isFetchingNextPage ? <Spinner /> : null}
          Load more
        </Button>
      ) : null}
    </section>
  );
}

function MessageRow({ scoping, webhookId, message: m, canManage }: { scoping: Scoping; webhookId: string; message: InboundMessageView; canManage: boolean }) {
  const [open, setOpen] = useState(false);
  const badge = outcomeBadge(m);
  const body = displayBody(m);
  const replay = useReplayForward(scoping, webhookId);
  const latest = m.deliveries[m.deliveries.length - 1];
  const canReplay = m.outcome === "forwarded" && latest && (latest.status === "succeeded" || latest.status === "failed");
  const panelId = `msg-${m.id}`;
  return (
    <li>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className="flex w-full flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-left text-sm hover:bg-muted/50 focus-visible:bg-muted/50 focus-visible:outline-none"
      >
        <ChevronRight className={`size-4 shrink-0 transition-transform ${open ? "rotate-90" : ""}`} aria-hidden />
        <LocalTime iso={m.received_at} format="datetime" className="whitespace-nowrap" />
        <span className="font-mono text-xs text-muted-foreground">{m.source_ip ?? "unknown IP"}</span>
        <span className="text-xs text-muted-foreground">
          {m.body_size} bytes{m.content_type ? `, ${m.content_type}` : ""}
        </span>
        {m.token === "previous" || m.token === "older" ? (
          <Badge variant="warning" title="Sent with the token before the current one (grace period)">
            Old token …{m.token_last4}
          </Badge>
        ) : null}
        <Badge variant={badge.variant} className="ml-auto">
          {badge.label}
        </Badge>
      </button>
      {open ? (
        <div id={panelId} className="grid min-w-0 gap-3 border-t bg-muted/20 px-3 py-3 text-sm">
          <p className="font-mono text-xs text-muted-foreground">
            {m.id} · {m.method}
            {m.query ? ` ?${m.query}` : ""}
          </p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
            {m.token_last4 ? (
              <>
                <dt className="text-muted-foreground">Token</dt>
                <dd>
                  <code className="font-mono">…{m.token_last4}</code> ({m.token === "current" ? "current token" : m.token === "previous" ? "old token, in its grace period" : "a replaced token"})
                </dd>
              </>
            ) : null}
            {m.sender_delivery_id ? (
              <>
                <dt className="text-muted-foreground">Sender delivery id</dt>
                <dd>
                  <code className="font-mono break-all">{m.sender_delivery_id}</code> (its retries are stored once)
                </dd>
              </>
            ) : null}
          </dl>
          {m.error ? <p className="text-destructive">{m.error}</p> : null}
          {m.event_id && m.outcome === "emitted" ? (
            <div className="grid gap-1">
              <p>
                Event{" "}
                <Link href={`/settings/organization/webhooks/deliveries?q=${encodeURIComponent(m.event_id)}`} className="font-mono text-xs underline underline-offset-4">
                  {m.event_id}
                </Link>
                {m.deliveries.length ? `, delivered to ${m.deliveries.length} endpoint${m.deliveries.length === 1 ? "" : "s"}:` : ", no subscribed endpoints."}
              </p>
              <DeliveryList deliveries={m.deliveries} />
            </div>
          ) : null}
          {m.outcome === "forwarded" ? (
            <div className="grid gap-1">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p>Forward (its attempts include retries and replays):</p>
                {canManage && canReplay ? (
                  <Button
                    size="sm"
                    variant="outline"
                    disabled={replay.isPending}
                    onClick={() =>
                      replay.mutate(m.id, {
                        onSuccess: () => toast.success("Forwarding again"),
                        onError: (err) => toast.error(err.message),
                      })
                    }
                  >
                    {replay.isPending ? <Spinner /> : null}
                    Forward again
                  </Button>
                ) : null}
              </div>
              <DeliveryList deliveries={m.deliveries} />
            </div>
          ) : null}
          <details>
            <summary className="cursor-pointer font-medium">Headers ({m.headers.length})</summary>
            <CodeBlock className="mt-2" code={m.headers.map(([k, v]) => `${k}: ${v}`).join("\n")} label="Copy headers" />
          </details>
          <div className="grid min-w-0 gap-1">
            <p className="font-medium">
              Body{" "}
              <span className="font-normal text-muted-foreground">
                {body.kind === "json" ? "(JSON, formatted)" : body.kind === "base64" ? "(not UTF-8; shown as base64)" : m.body_size === 0 ? "(empty)" : "(raw)"}
                {m.body_truncated ? `, first 16 KiB of ${m.body_size} bytes` : ""}
              </span>
            </p>
            {m.body_size > 0 ? <CodeBlock code={body.text} label="Copy body" className="max-h-96" /> : null}
          </div>
        </div>
      ) : null}
    </li>
  );
}

function DeliveryList({ deliveries }: { deliveries: Delivery[] }) {
  if (!deliveries.length) return null;
  return (
    <ul className="grid gap-1">
      {deliveries.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center gap-2 text-xs">
          <Badge variant={d.status === "succeeded" ? "success" : d.status === "failed" ? "destructive" : "warning"}>{d.status}</Badge>
          <span>{d.endpoint_name}</span>
          <Link
            href={`/settings/organization/webhooks/deliveries?q=${encodeURIComponent(d.id)}`}
            className="font-mono text-muted-foreground underline underline-offset-4 hover:text-foreground"
            aria-label={`Delivery ${d.id}`}
          >
            {d.id}
          </Link>
          <span className="text-muted-foreground">
            {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
            {d.last_response_status ? `, HTTP ${d.last_response_status}` : d.last_error ? `, ${d.last_error}` : ""}
            {d.replay_of ? ", replay" : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
