"use client";
// Settings > Organization > Webhooks > Incoming: the incoming webhooks of the current
// environment (Name, Webhook URL, Handler, Status, Created, Last received) with their actions,
// and the messages of the one selected (?inbound=<id> in the URL, so a reload keeps it).
import type { ColumnDef } from "@tanstack/react-table";
import { AlertCircle, Inbox, MoreHorizontal } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { toast } from "sonner";
import { InboundMessages } from "@/components/inbound/inbound-messages";
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
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { EmptyState } from "@/components/ui/empty-state";
import type { InboundWebhookView, InboundWebhookWithSecrets } from "@/lib/validations/inbound";

const never = <span className="text-muted-foreground">Never</span>;

function useOrigin(): string {
  const [origin, setOrigin] = useState("");
  // eslint-disable-next-line react-hooks/set-state-in-effect -- known in the browser only: read after hydration so the server render matches
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

export function StatusBadge({ status }: { status: InboundWebhookView["status"] }) {
  return <Badge variant={status === "active" ? "success" : "secondary"}>{status === "active" ? "Active" : "Inactive"}</Badge>;
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
          <button type="button" className="font-medium underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none" onClick={() => select(w.id)}>
            {w.name}
          </button>
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
      {selected ? <InboundMessages key={selected.id} scoping={scoping} webhook={selected} canManage={canManage} onClose={() => select(null)} /> : null}
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
  const [dialog, setDialog] = useState<null | "edit" | "regenerate" | "delete">(null);
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
              <DropdownMenuItem
                onSelect={() =>
                  update.mutate(
                    { status: w.status === "active" ? "inactive" : "active" },
                    {
                      onSuccess: (r) => toast.success(`${r.name} ${r.status === "active" ? "activated" : "deactivated"}`),
                      onError: (err) => toast.error(err.message),
                    },
                  )
                }
              >
                {w.status === "active" ? "Deactivate" : "Activate"}
              </DropdownMenuItem>
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
        open={dialog === "regenerate"}
        onOpenChange={close}
        title={`Regenerate the token of ${w.name}?`}
        description="A new token is shown once. The current token is refused from that moment, so the sender must be updated."
        confirmLabel="Regenerate token"
        destructive
        action={() => regenerate.mutateAsync()}
        successMessage={(r) => `New token for ${r.name}`}
        onSuccess={setRegenerated}
      />
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
      <Dialog open={regenerated !== null} onOpenChange={(o) => (o ? null : setRegenerated(null))}>
        <DialogContent className="sm:max-w-xl" onInteractOutside={(e) => e.preventDefault()}>
          {regenerated ? <InboundSecretView webhook={regenerated} mode="regenerated" /> : null}
        </DialogContent>
      </Dialog>
    </>
  );
}
