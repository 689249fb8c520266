"use client";
// Requests the receiving URL refused, newest first and live: when, from where, which status and
// why (the message the sender was answered), how large, and which token it presented (last
// four). Never the body. So an admin sees why a sender fails without asking the sender.
import { ShieldAlert } from "lucide-react";
import { useRejections, type Scoping } from "@/components/inbound/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Spinner } from "@/components/ui/spinner";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { InboundRejectionReason, InboundWebhookView } from "@/lib/validations/inbound";

export const REJECTION_LABELS: Record<InboundRejectionReason, string> = {
  token_missing: "No token",
  token_invalid: "Wrong token",
  inactive: "Inactive",
  rate_limited: "Rate limited",
  too_large: "Too large",
  signature_invalid: "Bad signature",
  secret_not_configured: "Secret not set",
  body_invalid: "Unusable body",
  method_not_allowed: "Wrong method",
  error: "Error",
};

export function InboundRejections({ scoping, webhook }: { scoping: Scoping; webhook: InboundWebhookView }) {
  const q = useRejections(scoping, webhook.id);
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="inbound-rejections-title" className="grid gap-3 rounded-lg border p-4">
      <div className="grid gap-1">
        <h3 id="inbound-rejections-title" className="flex items-center gap-2 font-semibold">
          <ShieldAlert className="size-4" aria-hidden /> Rejected requests of {webhook.name}
        </h3>
        <p className="text-sm text-muted-foreground">
          What this URL refused and why, newest first; bodies are never kept. At most 100 a minute are listed, for 7 days.
        </p>
      </div>
      {q.isPending ? (
        <div className="flex justify-center py-6">
          <Spinner />
        </div>
      ) : q.error && !q.data ? (
        <p role="alert" className="text-sm text-destructive">
          Could not load rejected requests: {q.error.message}
        </p>
      ) : rows.length === 0 ? (
        <EmptyState title="No rejected requests" description="Requests refused for a wrong token, a bad signature, a stale timestamp or a rate limit appear here." />
      ) : (
        <>
          {/* Below 640 px each request is a card: four columns do not fit a phone. */}
          <ul aria-label={`Rejected requests of ${webhook.name}`} className="grid gap-2 sm:hidden">
            {rows.map((r) => (
              <li key={r.id} className="grid min-w-0 gap-1.5 rounded-md border p-3 text-sm">
                <span className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <LocalTime iso={r.received_at} format="datetime" />
                  <span className="text-xs text-muted-foreground">{r.body_size === null ? "–" : `${r.body_size} bytes`}</span>
                </span>
                <RejectionReason r={r} />
                <RejectionSource r={r} />
              </li>
            ))}
          </ul>
          <div className="hidden sm:block">
            <Table aria-label={`Rejected requests of ${webhook.name}`}>
              <TableHeader>
                <TableRow>
                  <TableHead>Time</TableHead>
                  <TableHead>Reason</TableHead>
                  <TableHead>Source</TableHead>
                  <TableHead className="text-right">Size</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell className="align-top whitespace-nowrap">
                      <LocalTime iso={r.received_at} format="datetime" />
                    </TableCell>
                    <TableCell className="grid gap-1 align-top whitespace-normal">
                      <RejectionReason r={r} />
                    </TableCell>
                    <TableCell className="align-top">
                      <RejectionSource r={r} />
                    </TableCell>
                    <TableCell className="text-right align-top whitespace-nowrap">{r.body_size === null ? "–" : `${r.body_size} bytes`}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </>
      )}
      {q.hasNextPage ? (
        <Button variant="outline" className="justify-self-center" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? <Spinner /> : null}
          Load more
        </Button>
      ) : null}
    </section>
  );
}

type Rejection = NonNullable<ReturnType<typeof useRejections>["data"]>["pages"][number]["data"][number];

function RejectionReason({ r }: { r: Rejection }) {
  return (
    <>
      <span className="flex flex-wrap items-center gap-2">
        <Badge variant="destructive">{REJECTION_LABELS[r.reason]}</Badge>
        <span className="text-xs text-muted-foreground">
          HTTP {r.status} · {r.method}
          {r.token_last4 ? ` · token …${r.token_last4}` : ""}
        </span>
      </span>
      <span className="text-xs break-words">{r.detail}</span>
    </>
  );
}

function RejectionSource({ r }: { r: Rejection }) {
  return (
    <span className="grid min-w-0">
      <span className="font-mono text-xs">{r.source_ip ?? "unknown IP"}</span>
      {r.user_agent ? (
        <span className="max-w-[14rem] truncate text-xs text-muted-foreground" title={r.user_agent}>
          {r.user_agent}
        </span>
      ) : null}
    </span>
  );
}
