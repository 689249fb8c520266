"use client";
// Settings > Organization > Webhooks > Incoming: the incoming webhooks of the current
// environment (Name, Webhook URL, Handler, Status, Created, Last received) with their actions,
// and the messages of the one selected (?inbound=<id> in the URL, so a reload keeps it).
import type { ColumnDef } from "@tanstack/react-table";
import { AlertCircle, Inbox, MoreHorizontal } from "lucide-react";
import { useEffect, useId, useMemo, useState } from "react";
import { InboundMessages } from "@/components/inbound/inbound-messages";
import { InboundRejections } from "@/components/inbound/inbound-rejections";
import { TokenGracePanel } from "@/components/inbound/token-grace-panel";
import { InboundSecretView, webhookUrl } from "@/components/inbound/inbound-secret-view";
import { HANDLER_LABELS, InboundWebhookFormDialog } from "@/components/inbound/inbound-webhook-form-dialog";
import { LocalTime } from "@/components/ui/local-time";
import {
  useDeleteInboundWebhook,
  useInboundWebhooks,
  useRegenerateToken,
  useUpdateInboundWebhook,
  type Scoping,
} from "@/components/inbound/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { INBOUND_SENDERS, type InboundWebhookView, type InboundWebhookWithSecrets } from "@/lib/validations/inbound";

const GRACE_OPTIONS: { value: number; label: string }[] = [
  { value: 0, label: "Stop immediately" },
  { value: 3600, label: "For 1 hour" },
  { value: 86400, label: "For 24 hours" },
  { value: 7 * 86400, label: "For 7 days" },
];

const never = <span className="text-muted-foreground">Never</span>;

function useOrigin(): string {
  const [origin, setOrigin] = useState("");
  // eslint-disable-next-line react-hooks/set-state-in-effect -- known in the browser only: read after hydration so the server render matches
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

export function StatusBadge({ status }: { status: InboundWebhookView["status"] }) {
  return (
    <Badge variant={status === "active" ? "success" : "warning"} title={status === "active" ? undefined : "Requests are refused (404) until it is activated"}>
      {status === "active" ? "Active" : "Inactive"}
    </Badge>
  );
}

export function InboundWebhooksPanel({ scoping, canManage }: { scoping: Scoping; canManage: boolean }) {
  const list = useInboundWebhooks(scoping);
  const origin = useOrigin();
  const rows = useMemo(() => list.data ?? [], [list.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- the URL is read once after hydration, so the server render matches
  useEffect(() => setSelectedId(new URL(window.location.href).searchParams.get("inbound")), []);
  const selected = rows.find((w) => w.id === selectedId) ?? null;

  function select(id: string | null) {
    setSelectedId(id);
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("inbound", id);
    else url.searchParams.delete("inbound");
    window.history.replaceState(null, "", url);
  }

  // The URL holds the selection (a row's cell closures are memoized, so they read it from there).
  function deselect(id: string) {
    if (new URL(window.location.href).searchParams.get("inbound") === id) select(null);
  }

  const columns = useMemo<ColumnDef<InboundWebhookView>[]>(
    () => [
      {
        accessorKey: "name",
        header: "Name",
        cell: ({ row: { original: w } }) => (
          <span className="grid">
            <button
              type="button"
              className="justify-self-start font-medium underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none"
              onClick={() => select(w.id)}
            >
              {w.name}
            </button>
            <span className="text-xs text-muted-foreground">{INBOUND_SENDERS[w.verification].label}</span>
          </span>
        ),
      },
      {
        id: "url",
        header: "Webhook URL",
        cell: ({ row: { original: w } }) => {
          const url = origin ? webhookUrl(origin, w.id) : w.url;
          return (
            <span className="flex items-center gap-1">
              <code className="block max-w-[14rem] truncate font-mono text-xs" title={url}>
                {url}
              </code>
              <CopyButton value={url} label={`Copy webhook URL of ${w.name}`} />
            </span>
          );
        },
      },
      {
        accessorKey: "handler",
        header: "Handler",
        cell: ({ row: { original: w } }) => (
          <span className="grid">
            <span>{HANDLER_LABELS[w.handler]}</span>
            <span className="max-w-[12rem] truncate text-xs text-muted-foreground" title={w.event_type ?? w.forward_url ?? undefined}>
              {w.handler === "event" ? w.event_type : w.handler === "forward" ? w.forward_url : null}
            </span>
          </span>
        ),
      },
      { accessorKey: "status", header: "Status", cell: ({ row: { original: w } }) => <StatusBadge status={w.status} /> },
      {
        accessorKey: "created_at",
        header: "Created",
        cell: ({ row: { original: w } }) => <LocalTime iso={w.created_at} className="whitespace-nowrap text-muted-foreground" />,
      },
      {
        accessorKey: "last_received_at",
        header: "Last received",
        cell: ({ row: { original: w } }) =>
          w.last_received_at ? <LocalTime iso={w.last_received_at} format="relative" className="whitespace-nowrap text-muted-foreground" /> : never,
      },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row: { original: w } }) => <RowActions scoping={scoping} webhook={w} canManage={canManage} onMessages={() => select(w.id)} onDeleted={() => deselect(w.id)} />,
      },
    ],
    [origin, scoping, canManage],
  );

  if (list.error && !list.data) {
    return (
      <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-destructive/30 bg-destructive/5 px-4 py-3 text-sm">
        <p className="flex items-center gap-2 text-destructive">
          <AlertCircle className="size-4 shrink-0" aria-hidden />
          Could not load incoming webhooks: {list.error.message}
        </p>
        <Button variant="outline" size="sm" onClick={() => void list.refetch()}>
          Try again
        </Button>
      </div>
    );
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="grid gap-1">
          <h2 className="text-lg font-semibold">Incoming webhooks</h2>
          <p className="text-sm text-muted-foreground">
            Unique URLs that other services post into with an integration token, in {scoping.environment} mode.
          </p>
        </div>
        {canManage ? <InboundWebhookFormDialog scoping={scoping} /> : null}
      </div>
      <DataTable
        label="Incoming webhooks"
        columns={columns}
        data={rows}
        loading={list.isPending}
        getRowId={(w) => w.id}
        onRowClick={(w) => select(w.id)}
        emptyState={
          <EmptyState
            icon={<Inbox />}
            title="No incoming webhooks yet"
            description={
              <>
                Create one to get a URL and an integration token to give to a service such as a payment or source-control provider.
                Every request it sends is recorded here, and can be kept, turned into an event or forwarded.
                {canManage ? null : " Developers, admins and owners create webhooks."}
              </>
            }
            action={canManage ? <InboundWebhookFormDialog scoping={scoping} /> : undefined}
          />
        }
      />
      {selected ? (
        <div key={selected.id} className="grid gap-4">
          {selected.status === "inactive" ? (
            <div role="status" className="rounded-md border border-warning/40 bg-warning/10 px-4 py-3 text-sm">
              <strong className="font-semibold">{selected.name} is inactive.</strong> Its URL answers 404 to every request (each is listed under
              Rejected requests) until it is activated again from the actions menu.
            </div>
          ) : null}
          {selected.previous_token ? <TokenGracePanel scoping={scoping} webhook={selected} canManage={canManage} /> : null}
          <InboundMessages scoping={scoping} webhook={selected} canManage={canManage} onClose={() => select(null)} />
          <InboundRejections scoping={scoping} webhook={selected} />
        </div>
      ) : null}
    </div>
  );
}

function RowActions({
  scoping,
  webhook: w,
  canManage,
  onMessages,
  onDeleted,
}: {
  scoping: Scoping;
  webhook: InboundWebhookView;
  canManage: boolean;
  onMessages: () => void;
  onDeleted: () => void;
}) {
  const [dialog, setDialog] = useState<null | "edit" | "regenerate" | "delete" | "status">(null);
  const [grace, setGrace] = useState(0);
  const graceId = useId();
  const [regenerated, setRegenerated] = useState<InboundWebhookWithSecrets | null>(null);
  const update = useUpdateInboundWebhook(scoping, w.id);
  const regenerate = useRegenerateToken(scoping, w.id);
  const remove = useDeleteInboundWebhook(scoping, w.id);
  const close = (open: boolean) => (open ? null : setDialog(null));

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for ${w.name}`}>
            <MoreHorizontal aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={onMessages}>Messages</DropdownMenuItem>
          {canManage ? (
            <>
              <DropdownMenuItem onSelect={() => setDialog("edit")}>Edit</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => setDialog("regenerate")}>Regenerate token</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => setDialog("status")}>{w.status === "active" ? "Deactivate" : "Activate"}</DropdownMenuItem>
              <DropdownMenuSeparator />
              <DropdownMenuItem variant="destructive" onSelect={() => setDialog("delete")}>
                Delete
              </DropdownMenuItem>
            </>
          ) : null}
        </DropdownMenuContent>
      </DropdownMenu>
      {dialog === "edit" ? <InboundWebhookFormDialog scoping={scoping} webhook={w} open onOpenChange={close} /> : null}
      <ConfirmDialog
        open={dialog === "status"}
        onOpenChange={close}
        title={w.status === "active" ? `Deactivate ${w.name}?` : `Activate ${w.name}?`}
        description={
          w.status === "active"
            ? "Its URL answers 404 to every request until you activate it again; senders see failures and may retry. The token and settings are kept."
            : "Its URL accepts requests with its integration token again."
        }
        confirmLabel={w.status === "active" ? "Deactivate" : "Activate"}
        destructive={w.status === "active"}
        action={() => update.mutateAsync({ status: w.status === "active" ? "inactive" : "active" })}
        successMessage={(r) => `${r.name} ${r.status === "active" ? "activated" : "deactivated"}`}
      />
      <ConfirmDialog
        open={dialog === "regenerate"}
        onOpenChange={(open) => {
          if (!open) setGrace(0);
          close(open);
        }}
        title={`Regenerate the token of ${w.name}?`}
        description="A new token is shown once. The sender must be switched to it."
        confirmLabel="Regenerate token"
        destructive
        action={() => regenerate.mutateAsync(grace)}
        successMessage={(r) => `New token for ${r.name}`}
        onSuccess={(r) => {
          regenerate.reset();
          setRegenerated(r);
        }}
      >
        <div className="grid gap-2">
          <Label htmlFor={graceId}>Old token keeps working</Label>
          <Select value={String(grace)} onValueChange={(v) => setGrace(Number(v))}>
            <SelectTrigger id={graceId} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {GRACE_OPTIONS.map((o) => (
                <SelectItem key={o.value} value={String(o.value)}>
                  {o.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <p className="text-sm text-muted-foreground">
            {grace === 0
              ? "The old token is refused as soon as you confirm."
              : "Both tokens work during the grace period. Each message shows which token it carried, and the webhook shows the old token's last use, so you know when the switch is done."}
          </p>
        </div>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "delete"}
        onOpenChange={close}
        title={`Delete ${w.name}?`}
        description="Its URL stops accepting requests at once (404) and its received messages are deleted. This cannot be undone."
        confirmLabel="Delete webhook"
        destructive
        confirmText={w.name}
        // Its open messages panel closes first, so nothing polls a webhook being deleted.
        action={() => {
          onDeleted();
          return remove.mutateAsync();
        }}
        successMessage={`${w.name} deleted`}
        onSuccess={onDeleted}
      />
      <OneTimeSecretDialog
        open={regenerated !== null}
        secret={regenerated}
        onDiscard={() => setRegenerated(null)}
        render={(r) => <InboundSecretView webhook={r} mode="regenerated" />}
      />
    </>
  );
}
