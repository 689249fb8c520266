"use client";
// Deliveries, newest first, filtered by status (All, Succeeded, Pending, Held, Failed), a page at
// a time. Under an endpoint it lists that endpoint's; without one, every endpoint's (with an
// Endpoint column). The list is live (every 2 s, components/live.ts). A row
// (click, Enter or Space) opens the delivery with its attempts.
import type { ColumnDef } from "@tanstack/react-table";
import { CircleCheck, Clock, Inbox, PauseCircle, SearchX, Send } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import { DeliveryStatusBadge } from "@/components/deliveries/delivery-status-badge";
import { lastResponse } from "@/components/deliveries/format";
import { endpointPath } from "@/components/webhooks/paths";
import { useDeliveries, type DeliveryListFilter, type Scoping, type StatusFilter } from "@/components/deliveries/queries";
import { RelativeTime } from "@/components/deliveries/relative-time";
import { ReplayFailedButton } from "@/components/deliveries/lazy";
import { Button } from "@/components/ui/button";
import { LoadError } from "@/components/ui/load-error";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";
import type { DeliveryView } from "@/lib/validations/deliveries";
import { Truncate } from "@/components/ui/truncate";

// A delivery's detail (attempts, headers, bodies, replay) loads when a delivery is first opened.
const DeliveryDetailDialog = dynamic(() => import("@/components/deliveries/delivery-detail-dialog").then((m) => m.DeliveryDetailDialog));

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "succeeded", label: "Succeeded" },
  { value: "pending", label: "Pending" },
  { value: "held", label: "Held" },
  { value: "failed", label: "Failed" },
];

export type DeliveryListProps = {
  /** Only this endpoint's deliveries; without it, every endpoint's, with an Endpoint column. */
  endpointId?: string;
  /** The filter shown first; "all" unless given. */
  defaultStatus?: StatusFilter;
  /** Developers and above may replay (the API enforces it too). */
  canReplay: boolean;
  /** The current org and environment, part of the query keys where known. */
  scoping?: Scoping;
  /** Under an endpoint, with `canReplay`: a "Replay all failed" (this endpoint's) beside the filter. Default true. */
  showReplayFailed?: boolean;
  /** The status shown, when the caller keeps it (e.g. in the URL); else the list keeps it. */
  status?: StatusFilter;
  onStatusChange?: (status: StatusFilter) => void;
  /** Narrower filters (the deliveries page's search and selects); `endpointId` here filters without hiding the Endpoint column. */
  filter?: Omit<DeliveryListFilter, "status">;
  /** Offered in the empty state when `filter` narrows the list. */
  onClearFilters?: () => void;
};

const isNarrowed = (f?: Omit<DeliveryListFilter, "status">) => !!(f && (f.endpointId || f.eventType || f.q || f.range));

export function DeliveryList({
  endpointId,
  defaultStatus = "all",
  canReplay,
  scoping,
  showReplayFailed = true,
  status: controlledStatus,
  onStatusChange,
  filter,
  onClearFilters,
}: DeliveryListProps) {
  const [ownStatus, setOwnStatus] = useState<StatusFilter>(defaultStatus);
  const status = controlledStatus ?? ownStatus;
  const setStatus = (s: StatusFilter) => (onStatusChange ? onStatusChange(s) : setOwnStatus(s));
  const [openId, setOpenId] = useState<string | null>(null);
  const [detailUsed, setDetailUsed] = useState(false); // the detail's code is loaded once a delivery is opened

  return (
    <div className="grid min-w-0 gap-3">
      <Tabs value={status} onValueChange={(v) => setStatus(v as StatusFilter)} className="min-w-0">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <TabsList aria-label="Filter deliveries by status" className="max-w-full justify-start overflow-x-auto">
            {FILTERS.map((f) => (
              <TabsTrigger key={f.value} value={f.value} className="flex-none px-3">
                {f.label}
              </TabsTrigger>
            ))}
          </TabsList>
          {endpointId && canReplay && showReplayFailed ? (
            <ReplayFailedButton endpointId={endpointId} scoping={scoping} />
          ) : null}
        </div>
        {FILTERS.map((f) => (
          <TabsContent key={f.value} value={f.value} className="min-w-0 outline-none">
            <DeliveryTable
              scoping={scoping}
              endpointId={endpointId}
              status={f.value}
              filter={filter}
              onClearFilters={onClearFilters}
              onOpen={(d) => {
                setDetailUsed(true);
                setOpenId(d.id);
              }}
            />
          </TabsContent>
        ))}
      </Tabs>
      {detailUsed ? (
        <DeliveryDetailDialog
          scoping={scoping}
          deliveryId={openId}
          onDeliveryChange={setOpenId}
          canReplay={canReplay}
          showEndpointLink={!endpointId}
        />
      ) : null}
    </div>
  );
}

function DeliveryTable({
  scoping,
  endpointId,
  status,
  filter,
  onClearFilters,
  onOpen,
}: {
  scoping?: Scoping;
  endpointId?: string;
  status: StatusFilter;
  filter?: Omit<DeliveryListFilter, "status">;
  onClearFilters?: () => void;
  onOpen: (d: DeliveryView) => void;
}) {
  const list = useDeliveries(scoping, { ...filter, endpointId: endpointId ?? filter?.endpointId, status });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const live = rows.some((d) => d.status === "pending");

  const columns = useMemo<ColumnDef<DeliveryView>[]>(
    () => [
      {
        accessorKey: "status",
        header: "Status",
        cell: ({ row: { original: d } }) => <DeliveryStatusBadge status={d.status} reason={d.held_reason} />,
      },
      ...(endpointId
        ? []
        : [
            {
              accessorKey: "endpoint_name",
              header: "Endpoint",
              cell: ({ row: { original: d } }) => (
                <Link
                  href={endpointPath(d.endpoint_id)}
                  prefetch={false} // a row per item: prefetching each detail page on every load costs more than it saves
                  className="block max-w-[8rem] truncate font-medium underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none focus-visible:whitespace-normal focus-visible:break-all"
                  title={d.endpoint_name}
                >
                  {d.endpoint_name}
                </Link>
              ),
            } satisfies ColumnDef<DeliveryView>,
          ]),
      {
        accessorKey: "event_type",
        header: "Event type",
        cell: ({ row: { original: d } }) => (
          <Truncate as="code" value={d.event_type} className="block max-w-[9rem] font-mono text-xs" />
        ),
      },
      {
        accessorKey: "id",
        header: "Delivery id",
        meta: { priority: 2 },
        cell: ({ row: { original: d } }) => (
          // Long ids are cut visually; the full id stays in the text and the title.
          <Truncate as="code" value={d.id} className="block max-w-[6rem] font-mono text-xs text-muted-foreground" />
        ),
      },
      {
        accessorKey: "attempts",
        header: "Attempts",
        meta: { priority: 2 },
        cell: ({ row: { original: d } }) => <span className="tabular-nums">{d.attempts}</span>,
      },
      {
        id: "last_response",
        header: "Last response",
        cell: ({ row: { original: d } }) => {
          const r = lastResponse(d);
          return (
            <span
              className={cn(
                "block max-w-[7rem] truncate font-mono text-xs",
                r.tone === "bad" && "text-destructive",
                r.tone === "ok" && "text-success",
                r.tone === "none" && "text-muted-foreground",
              )}
              title={r.text}
            >
              {r.text}
            </span>
          );
        },
      },
      // Only pending deliveries have a next attempt, so only the filters that can show one have the column.
      ...(status === "all" || status === "pending"
        ? [
            {
              id: "next_attempt",
              header: "Next attempt",
              meta: { priority: 3 },
              cell: ({ row: { original: d } }) =>
                d.status === "pending" && d.next_attempt_at ? (
                  <RelativeTime iso={d.next_attempt_at} className="whitespace-nowrap" />
                ) : (
                  <span className="text-muted-foreground">—</span>
                ),
            } satisfies ColumnDef<DeliveryView>,
          ]
        : []),
      {
        accessorKey: "created_at",
        header: "Created",
        cell: ({ row: { original: d } }) => <RelativeTime iso={d.created_at} className="whitespace-nowrap" />,
      },
    ],
    [endpointId, status],
  );

  if (list.isError && rows.length === 0) {
    return (
      <LoadError what="deliveries" error={list.error} onRetry={() => void list.refetch()} />
    );
  }

  return (
    <div className="grid min-w-0 gap-3">
      <DataTable
        label="Deliveries"
        cssCards // the same markup at every width: the endpoint page's first page comes with its HTML
        columns={columns}
        data={rows}
        loading={list.isPending}
        getRowId={(d) => d.id}
        onRowClick={onOpen}
        emptyState={
          isNarrowed(filter) ? (
            <EmptyState
              icon={<SearchX />}
              title="No deliveries match"
              description="Nothing in this status matches the search and filters. Ids match exactly: paste a whole delivery id (webhook-id), event id or your own event id."
              action={
                onClearFilters ? (
                  <Button variant="outline" size="sm" onClick={onClearFilters}>
                    Clear filters
                  </Button>
                ) : undefined
              }
            />
          ) : status === "failed" ? (
            <FailedEmpty scoping={scoping} endpointId={endpointId} />
          ) : (
            <DeliveriesEmpty status={status} perEndpoint={!!endpointId} />
          )
        }
      />
      <div className="flex min-h-8 flex-wrap items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-xs text-muted-foreground" aria-live="polite">
          {live ? (
            <>
              <span className="relative flex size-2" aria-hidden>
                <span className="absolute inline-flex size-full animate-ping rounded-full bg-success/60 motion-reduce:animate-none" />
                <span className="relative inline-flex size-2 rounded-full bg-success" />
              </span>
              Live: attempts under way, updating every 2 seconds
            </>
          ) : null}
        </p>
        {list.hasNextPage ? (
          <Button variant="outline" size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? <Spinner label="Loading more deliveries" /> : null}
            Load more
          </Button>
        ) : null}
      </div>
    </div>
  );
}

const EMPTY: Record<StatusFilter, { icon: ReactNode; title: string; description: (perEndpoint: boolean) => string }> = {
  all: {
    icon: <Send />,
    title: "No deliveries yet",
    description: (perEndpoint) =>
      perEndpoint
        ? "Each event sent to this endpoint is listed here with every attempt's request and response. Send a test event to queue one."
        : "Each event sent with POST /api/v1/events makes one delivery per subscribed endpoint. Send one to see it here.",
  },
  succeeded: {
    icon: <CircleCheck />,
    title: "No successful deliveries yet",
    description: () => "Deliveries the endpoint answered with a 2xx status appear here.",
  },
  pending: {
    icon: <Clock />,
    title: "Nothing in flight",
    description: () => "No delivery is waiting for its first attempt or a retry right now.",
  },
  held: {
    icon: <PauseCircle />,
    title: "Nothing held",
    description: () => "While an endpoint is paused its deliveries are held here, and sent in order when it resumes.",
  },
  failed: {
    icon: <Inbox />,
    title: "No failed deliveries",
    description: () => "A delivery that still fails after its last retry shows here, ready to replay.",
  },
};

/** "n" or "25+" when more pages exist. */
function countOf(rows: number, more: boolean, noun: [string, string]): string {
  return `${rows}${more ? "+" : ""} ${rows === 1 && !more ? noun[0] : noun[1]}`;
}

/**
 * The Failed view when nothing failed: "Everything arrived" only when nothing is still pending
 * (in flight or waiting for a retry) or held; otherwise it says what is still on its way.
 */
function FailedEmpty({ scoping, endpointId }: { scoping?: Scoping; endpointId?: string }) {
  const pending = useDeliveries(scoping, { endpointId, status: "pending" });
  const held = useDeliveries(scoping, { endpointId, status: "held" });
  if (pending.isPending || held.isPending) {
    return <EmptyState icon={<Inbox />} title="No failed deliveries" description={EMPTY.failed.description(!!endpointId)} />;
  }
  const p = pending.data?.pages.flatMap((x) => x.data).length ?? 0;
  const h = held.data?.pages.flatMap((x) => x.data).length ?? 0;
  const waiting: string[] = [];
  if (p > 0) {
    const n = countOf(p, !!pending.hasNextPage, ["delivery is", "deliveries are"]);
    waiting.push(`${n} still being attempted; one that fails after its last retry shows here.`);
  }
  if (h > 0) {
    const n = countOf(h, !!held.hasNextPage, ["delivery is", "deliveries are"]);
    waiting.push(`${n} held while ${endpointId ? "this endpoint is" : "their endpoint is"} paused.`);
  }
  return (
    <EmptyState
      icon={waiting.length ? <Clock /> : <Inbox />}
      title={waiting.length ? "No failed deliveries" : "No failed deliveries. Everything arrived."}
      description={waiting.length ? waiting.join(" ") : EMPTY.failed.description(!!endpointId)}
    />
  );
}

function DeliveriesEmpty({ status, perEndpoint }: { status: StatusFilter; perEndpoint: boolean }) {
  const e = EMPTY[status];
  return <EmptyState icon={e.icon} title={e.title} description={e.description(perEndpoint)} />;
}
