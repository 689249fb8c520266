"use client";
// Events of the current environment, newest first, each with its fan-out: how many deliveries
// it made and how they stand. Search by event id or the client's own id, filter by type; both
// in the URL. Live like the deliveries lists. A row opens the event's page.
import type { ColumnDef } from "@tanstack/react-table";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Radio, SearchX, X } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useMemo } from "react";
import { LIVE } from "@/components/live";
import { RelativeTime } from "@/components/deliveries/relative-time";
import type { Scoping } from "@/components/deliveries/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { IdSearch } from "@/components/deliveries/id-search";
import { LoadError } from "@/components/ui/load-error";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { fetchApi } from "@/lib/api/fetch-api";
import type { EventListItemView } from "@/lib/validations/events";
import { Truncate } from "@/components/ui/truncate";

type List<T> = { data: T[]; next_cursor: string | null };
const ANY = "any";
export const eventPath = (id: string) => `/settings/organization/webhooks/events/${encodeURIComponent(id)}`;

function useEvents(s: Scoping, f: { q?: string; type?: string }) {
  return useInfiniteQuery({
    queryKey: ["events", s.orgId, s.environment, "list", f],
    queryFn: ({ signal, pageParam }) => {
      const q = new URLSearchParams({ limit: "25" });
      if (f.q) q.set("q", f.q);
      if (f.type) q.set("type", f.type);
      if (pageParam) q.set("cursor", pageParam);
      return fetchApi<List<EventListItemView>>(`/api/v1/events?${q}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    ...LIVE,
  });
}

/** "2 deliveries: 1 succeeded, 1 failed" as badges, the worst first. */
export function Outcomes({ d }: { d: EventListItemView["deliveries"] }) {
  if (d.total === 0) return <span className="text-muted-foreground">No subscribed endpoint</span>;
  const parts = [
    { n: d.failed, label: "failed", variant: "destructive" as const },
    { n: d.pending, label: "pending", variant: "warning" as const },
    { n: d.held, label: "held", variant: "secondary" as const },
    { n: d.succeeded, label: "succeeded", variant: "success" as const },
  ].filter((p) => p.n > 0);
  return (
    <span
      role="group"
      className="flex flex-wrap items-center gap-1"
      aria-label={`${d.total} ${d.total === 1 ? "delivery" : "deliveries"}: ${parts.map((p) => `${p.n} ${p.label}`).join(", ")}`}
    >
      {parts.map((p) => (
        <Badge key={p.label} variant={p.variant} aria-hidden>
          {p.n} {p.label}
        </Badge>
      ))}
    </span>
  );
}

export function EventList({ scoping, eventTypes }: { scoping: Scoping; eventTypes: string[] }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const q = params.get("q")?.trim() || undefined;
  const type = params.get("type") || undefined;
  const ids = { type: useId() };
  const list = useEvents(scoping, { q, type });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }

  const columns = useMemo<ColumnDef<EventListItemView>[]>(
    () => [
      {
        accessorKey: "type",
        header: "Type",
        cell: ({ row: { original: e } }) => (
          <Link href={eventPath(e.id)} className="block max-w-[14rem] truncate font-mono text-xs font-medium underline-offset-4 hover:underline focus-visible:whitespace-normal focus-visible:break-all" title={e.type}>
            {e.type}
          </Link>
        ),
      },
      {
        id: "deliveries",
        header: "Deliveries",
        cell: ({ row: { original: e } }) => <Outcomes d={e.deliveries} />,
      },
      {
        accessorKey: "id",
        header: "Event id",
        meta: { priority: 2 },
        cell: ({ row: { original: e } }) => (
          <Truncate as="code" value={e.id} className="block max-w-[10rem] font-mono text-xs text-muted-foreground" />
        ),
      },
      {
        accessorKey: "external_id",
        header: "Your id",
        meta: { priority: 3 },
        cell: ({ row: { original: e } }) =>
          e.external_id ? (
            <Truncate as="code" value={e.external_id} className="block max-w-[8rem] font-mono text-xs" />
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      {
        accessorKey: "created_at",
        header: "Created",
        cell: ({ row: { original: e } }) => <RelativeTime iso={e.created_at} className="whitespace-nowrap" />,
      },
    ],
    [],
  );

  const narrowed = !!(q || type);
  return (
    <div className="grid min-w-0 gap-4">
      <div className="grid gap-3 rounded-md border bg-card p-3 sm:grid-cols-[minmax(14rem,2fr)_minmax(10rem,1fr)]">
        <IdSearch q={q} label="Event id" placeholder="evt_… or your event id" name="Find events" onSearch={(next) => update({ q: next })} />
        <div className="grid min-w-0 gap-1.5">
          <Label htmlFor={ids.type}>Event type</Label>
          <Select value={type ?? ANY} onValueChange={(v) => update({ type: v === ANY ? undefined : v })}>
            <SelectTrigger id={ids.type} className="w-full min-w-0">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ANY}>All event types</SelectItem>
              {(type && !eventTypes.includes(type) ? [...eventTypes, type] : eventTypes).map((t) => (
                <SelectItem key={t} value={t}>
                  {t}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        {narrowed ? (
          <div className="sm:col-span-2">
            <Button type="button" variant="ghost" size="sm" onClick={() => router.replace(pathname, { scroll: false })}>
              <X aria-hidden />
              Clear filters
            </Button>
          </div>
        ) : null}
      </div>
      {list.isError && rows.length === 0 ? (
        <LoadError what="events" error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <DataTable
          label="Events"
          columns={columns}
          data={rows}
          loading={list.isPending}
          getRowId={(e) => e.id}
          onRowClick={(e) => router.push(eventPath(e.id))}
          emptyState={
            narrowed ? (
              <EmptyState icon={<SearchX />} title="No events match" description="Ids match exactly: paste a whole event id or your own event id." />
            ) : (
              <EmptyState
                icon={<Radio />}
                title="No events yet"
                description="Events sent with POST /api/v1/events (or a test event from an endpoint's page) are listed here with their deliveries."
              />
            )
          }
        />
      )}
      {list.hasNextPage ? (
        <Button variant="outline" size="sm" className="w-fit justify-self-end" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? <Spinner label="Loading more events" /> : null}
          Load more
        </Button>
      ) : null}
    </div>
  );
}
