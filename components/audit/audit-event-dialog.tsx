"use client";
// One audit entry in full: who, what, where from, the state before and after, and its place in
// the hash chain.
import { actionLabel } from "@/components/audit/action-labels";
import { ArrowRight } from "lucide-react";
import { changedFields, prettyJson } from "@/components/audit/format";
import { formatExact } from "@/components/ui/time-format";
import { Badge } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { AuditEventView } from "@/lib/validations/audit";

export function AuditEventDialog({ event, onClose }: { event: AuditEventView | null; onClose: () => void }) {
  return (
    <Dialog open={event !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <DialogContent className="sm:max-w-3xl">{event ? <Details e={event} /> : null}</DialogContent>
    </Dialog>
  );
}

function Details({ e }: { e: AuditEventView }) {
  const before = prettyJson(e.before);
  const after = prettyJson(e.after);
  const changes = changedFields(e.before, e.after);
  return (
    <>
      <DialogHeader>
        <DialogTitle className="font-mono text-base">{e.action}</DialogTitle>
        <DialogDescription>
          {actionLabel(e.action)}. Entry #{e.seq}, <time dateTime={e.created_at}>{formatExact(e.created_at)}</time>
        </DialogDescription>
      </DialogHeader>

      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted-foreground">Actor</dt>
        <dd className="flex min-w-0 flex-wrap items-center gap-2">
          <span className="break-all">{e.actor.label}</span>
          <Badge variant="outline">{e.actor.type}</Badge>
          {e.actor.id ? <code className="font-mono text-xs break-all text-muted-foreground">{e.actor.id}</code> : null}
        </dd>
        <dt className="text-muted-foreground">Target</dt>
        <dd className="min-w-0 break-all">
          {e.target ? (
            <>
              {e.target.label ?? e.target.id ?? "—"} <span className="text-muted-foreground">({e.target.type})</span>
              {e.target.id ? <code className="ml-2 font-mono text-xs text-muted-foreground">{e.target.id}</code> : null}
            </>
          ) : (
            <span className="text-muted-foreground">Organization-wide</span>
          )}
        </dd>
        <dt className="text-muted-foreground">Environment</dt>
        <dd>{e.environment ?? <span className="text-muted-foreground">None (organization-wide)</span>}</dd>
        <dt className="text-muted-foreground">IP address</dt>
        <dd className="font-mono text-xs leading-5">{e.ip ?? "—"}</dd>
        <dt className="text-muted-foreground">User agent</dt>
        <dd className="min-w-0 font-mono text-xs leading-5 break-all">{e.user_agent ?? "—"}</dd>
      </dl>

      <section aria-labelledby="audit-changes" className="grid gap-2">
        <h3 id="audit-changes" className="text-sm font-semibold">
          Changes
        </h3>
        {changes.length > 0 ? (
          <ul className="grid gap-1 text-sm">
            {changes.map((c) => (
              <li key={c.key} className="flex min-w-0 flex-wrap items-center gap-2">
                <code className="font-mono text-xs font-medium">{c.key}</code>
                <span className="break-all text-destructive line-through decoration-destructive/50">{c.before}</span>
                <ArrowRight className="size-3.5 shrink-0 text-muted-foreground" aria-label="changed to" />
                <span className="break-all text-success">{c.after}</span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="grid gap-3 md:grid-cols-2">
          <JsonBlock title="Before" json={before} />
          <JsonBlock title="After" json={after} />
        </div>
      </section>

      <section aria-labelledby="audit-chain" className="grid gap-2">
        <h3 id="audit-chain" className="text-sm font-semibold">
          Hash chain
        </h3>
        <HashRow label="Hash" value={e.hash} />
        <HashRow label="Previous hash" value={e.prev_hash} />
      </section>
    </>
  );
}

function JsonBlock({ title, json }: { title: string; json: string | null }) {
  return (
    <div className="grid min-w-0 content-start gap-1">
      <p className="text-xs font-medium text-muted-foreground">{title}</p>
      {json === null ? (
        <p className="rounded-md border border-dashed px-3 py-3 text-sm text-muted-foreground">Nothing recorded</p>
      ) : (
        <CodeBlock code={json} label={`Copy ${title.toLowerCase()} JSON`} className="max-h-72" />
      )}
    </div>
  );
}

function HashRow({ label, value }: { label: string; value: string | null }) {
  return (
    <div className="flex min-w-0 items-center gap-2 text-sm">
      <span className="w-28 shrink-0 text-muted-foreground">{label}</span>
      {value ? (
        <>
          <code className="min-w-0 truncate font-mono text-xs" title={value}>
            {value}
          </code>
          <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
        </>
      ) : (
        <span className="text-muted-foreground">None: the first entry of the log</span>
      )}
    </div>
  );
}
