"use client";
// The outgoing endpoints of the current environment, newest first. A row opens the endpoint's
// page (click, Enter or Space).
import type { ColumnDef } from "@tanstack/react-table";
import { Webhook } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { CreateEndpointDialog } from "@/components/webhooks/lazy";
import { endpointPath } from "@/components/webhooks/paths";
import { EndpointStatusBadge, EventTypeBadges, ReceiverPauseBadge } from "@/components/webhooks/endpoint-badges";
import { EndpointHealthBadge } from "@/components/webhooks/endpoint-health";
import { LoadError } from "@/components/ui/load-error";
import { LocalTime } from "@/components/ui/local-time";
import { useEndpoints, type Scoping } from "@/components/webhooks/queries";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { EndpointView } from "@/lib/validations/webhooks";
import { Truncate } from "@/components/ui/truncate";

/** Delivery figures per endpoint, filled in by the deliveries work; absent figures show "—". */
export type EndpointDeliveryStats = {
  /** Share of deliveries in the last 24 hours that succeeded, 0 to 1; null when there were none. */
  successRate24h: number | null;
  lastDeliveryAt: string | null;
};

const none = <span className="text-muted-foreground">—</span>;

export function EndpointsTable({
  scoping,
  canManage,
  deliveryStats,
}: {
  scoping: Scoping;
  canManage: boolean;
  /** Keyed by endpoint id. */
  deliveryStats?: Record<string, EndpointDeliveryStats>;
}) {
  const router = useRouter();
  const list = useEndpoints(scoping);
  const rows = list.data?.data ?? [];

  const columns = useMemo<ColumnDef<EndpointView>[]>(
    () => [
      {
        accessorKey: "name",
        header: "Name",
        cell: ({ row: { original: e } }) => (
          <Link
            href={endpointPath(e.id)}
            prefetch={false} // a row per item: prefetching each detail page on every load costs more than it saves
            className="block max-w-[14rem] truncate font-medium underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none focus-visible:whitespace-normal focus-visible:break-all"
            title={e.name}
          >
            {e.name}
          </Link>
        ),
      },
      {
        accessorKey: "url",
        header: "URL",
        cell: ({ row: { original: e } }) => (
          <Truncate as="code" value={e.url} className="block max-w-[12rem] font-mono text-xs" />
        ),
      },
      {
        id: "events",
        header: "Events",
        // Gives way first: the endpoint's page lists them, and Status, Health and the rates must fit.
        meta: { priority: 4 },
        cell: ({ row: { original: e } }) => <EventTypeBadges types={e.event_types} />,
      },
      {
        accessorKey: "status",
        header: "Status",
        cell: ({ row: { original: e } }) => (
          <span className="flex flex-wrap items-center gap-1">
            <EndpointStatusBadge endpoint={e} />
            {e.health.receiver_pause ? <ReceiverPauseBadge pause={e.health.receiver_pause} /> : null}
          </span>
        ),
      },
      {
        id: "health",
        header: "Health",
        // The badge's tooltip carries the why and the 24 h latency; the endpoint page has the rest.
        cell: ({ row: { original: e } }) => <EndpointHealthBadge health={e.health} />,
      },
      {
        id: "success_rate",
        header: "Success (24 h)",
        cell: ({ row: { original: e } }) => {
          const rate = deliveryStats?.[e.id]?.successRate24h;
          return rate == null ? none : <span className="tabular-nums">{Math.round(rate * 1000) / 10}%</span>;
        },
      },
      {
        id: "last_delivery",
        header: "Last delivery",
        cell: ({ row: { original: e } }) => {
          const at = deliveryStats?.[e.id]?.lastDeliveryAt;
          return at ? <LocalTime format="relative" iso={at} className="whitespace-nowrap text-muted-foreground" /> : none;
        },
      },
    ],
    [deliveryStats],
  );

  if (list.error && !list.data) {
    return <LoadError what="endpoints" error={list.error} onRetry={() => void list.refetch()} />;
  }

  return (
    <DataTable
      label="Endpoints"
      columns={columns}
      data={rows}
      loading={list.isPending}
      getRowId={(e) => e.id}
      onRowClick={(e) => router.push(endpointPath(e.id))}
      emptyState={
        <EmptyState
          icon={<Webhook />}
          title="No endpoints yet"
          description={
            <>
              An endpoint is a URL of yours that Gatehouse sends events to, as signed HTTP POST requests, retrying until
              it answers. Add one to start receiving events in {scoping.environment} mode.
              {canManage ? null : " Developers, admins and owners create endpoints."}
            </>
          }
          action={canManage ? <CreateEndpointDialog scoping={scoping} /> : undefined}
        />
      }
    />
  );
}
