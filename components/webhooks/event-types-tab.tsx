"use client";
// The Event types tab: the current environment's catalog (test and live each have one), with archived types
// on request; developers and above create types and archive or unarchive them.
import type { ColumnDef } from "@tanstack/react-table";
import { Archive, ArchiveRestore, Tags } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { CreateEventTypeDialog } from "@/components/webhooks/create-event-type-dialog";
import { EventTypeSchemaDialog } from "@/components/webhooks/event-type-schema-dialog";
import { LoadError } from "@/components/ui/load-error";
import { useEventTypes, useSetEventTypeArchived, type Scoping } from "@/components/webhooks/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import type { EventTypeView } from "@/lib/validations/webhooks";

export function EventTypesTab({ scoping, canManage }: { scoping: Scoping; canManage: boolean }) {
  const [showArchived, setShowArchived] = useState(false);
  const list = useEventTypes(scoping, showArchived ? "all" : "false");
  const switchId = useId();

  const columns = useMemo<ColumnDef<EventTypeView>[]>(
    () => [
      {
        accessorKey: "name",
        header: "Name",
        cell: ({ row: { original: t } }) => <code className="font-mono text-sm font-medium">{t.name}</code>,
      },
      {
        accessorKey: "description",
        header: "Description",
        cell: ({ row: { original: t } }) => <span className="block max-w-md whitespace-normal text-muted-foreground">{t.description}</span>,
      },
      {
        id: "schema",
        header: "Schema",
        cell: ({ row: { original: t } }) => <EventTypeSchemaDialog scoping={scoping} eventType={t} canManage={canManage && !t.archived} />,
      },
      {
        id: "status",
        header: "Status",
        cell: ({ row: { original: t } }) =>
          t.archived ? <Badge variant="outline">Archived</Badge> : <Badge variant="success">Active</Badge>,
      },
      ...(canManage
        ? [
            {
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: ({ row: { original: t } }) => <ArchiveAction scoping={scoping} eventType={t} />,
            } satisfies ColumnDef<EventTypeView>,
          ]
        : []),
    ],
    [canManage, scoping],
  );

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="grid gap-1">
          <h2 className="text-lg font-semibold">Event types</h2>
          <p className="text-sm text-muted-foreground">
            The kinds of events your system sends, in this environment (test and live mode each have their own).
            {canManage ? null : " Developers, admins and owners add and archive types."}
          </p>
        </div>
        <div className="flex items-center gap-4">
          <div className="flex items-center gap-2">
            <Switch id={switchId} checked={showArchived} onCheckedChange={setShowArchived} />
            <Label htmlFor={switchId}>Show archived</Label>
          </div>
          {canManage ? <CreateEventTypeDialog scoping={scoping} /> : null}
        </div>
      </div>
      {list.error && !list.data ? (
        <LoadError what="event types" error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <DataTable
          label="Event types"
          columns={columns}
          data={list.data ?? []}
          loading={list.isPending}
          getRowId={(t) => t.name}
          emptyState={
            <EmptyState
              icon={<Tags />}
              title="No event types"
              description="Event types name what happened, like invoice.paid. Endpoints subscribe to them, and every event you send names one."
              action={canManage ? <CreateEventTypeDialog scoping={scoping} /> : undefined}
            />
          }
        />
      )}
    </div>
  );
}

function ArchiveAction({ scoping, eventType: t }: { scoping: Scoping; eventType: EventTypeView }) {
  const setArchived = useSetEventTypeArchived(scoping);
  const archive = !t.archived;
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" aria-label={`${archive ? "Archive" : "Unarchive"} ${t.name}`}>
          {archive ? <Archive aria-hidden /> : <ArchiveRestore aria-hidden />}
          {archive ? "Archive" : "Unarchive"}
        </Button>
      }
      title={archive ? `Archive ${t.name}?` : `Unarchive ${t.name}?`}
      description={
        archive
          ? "New events of this type are refused and endpoints can no longer subscribe to it. Existing subscriptions, events and deliveries stay. You can unarchive it later."
          : "Events of this type are accepted again, and endpoints can subscribe to it."
      }
      confirmLabel={archive ? "Archive event type" : "Unarchive event type"}
      action={() => setArchived.mutateAsync({ name: t.name, archived: archive })}
      successMessage={`${t.name} ${archive ? "archived" : "unarchived"}`}
    />
  );
}
