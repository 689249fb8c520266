"use client";
// The deliveries page's search and filters, kept in the URL so a filtered view is a link to share:
// `q` (exact delivery id = webhook-id, event id, or the client's event id), `endpoint`, `type`,
// `range` (1h, 24h, 7d, 30d) and `status`. Without a status the page opens on Failed, unless it
// was opened to find an id (then All, so a succeeded delivery is found too).
import { X } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId } from "react";
import { DeliveryList } from "@/components/deliveries/delivery-list";
import { TIME_RANGES, type DeliveryListFilter, type Scoping, type StatusFilter, type TimeRange } from "@/components/deliveries/queries";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { IdSearch } from "@/components/deliveries/id-search";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

const STATUSES: StatusFilter[] = ["all", "succeeded", "pending", "held", "failed"];
const RANGE_LABELS: Record<TimeRange, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days" };
const ANY = "any";

export type DeliveriesExplorerProps = {
  scoping: Scoping;
  canReplay: boolean;
  endpoints: { id: string; name: string }[];
  eventTypes: string[];
};

/** The filter a URL's search params describe; unknown or malformed values are ignored. */
export function filterFromParams(p: URLSearchParams): { status: StatusFilter; filter: Omit<DeliveryListFilter, "status"> } {
  const q = p.get("q")?.trim() || undefined;
  const s = p.get("status") as StatusFilter | null;
  const range = p.get("range");
  return {
    status: s && STATUSES.includes(s) ? s : q ? "all" : "failed",
    filter: {
      q,
      endpointId: p.get("endpoint") || undefined,
      eventType: p.get("type") || undefined,
      range: range && range in TIME_RANGES ? (range as TimeRange) : undefined,
    },
  };
}

export function DeliveriesExplorer({ scoping, canReplay, endpoints, eventTypes }: DeliveriesExplorerProps) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const { status, filter } = filterFromParams(new URLSearchParams(params.toString()));
  const ids = { endpoint: useId(), type: useId(), range: useId() };

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }
  const clear = () => {
    router.replace(status === "failed" ? pathname : `${pathname}?status=${status}`, { scroll: false });
  };
  const narrowed = !!(filter.q || filter.endpointId || filter.eventType || filter.range);

  return (
    <div className="grid min-w-0 gap-4">
      <div className="grid gap-3 rounded-md border bg-card p-3 sm:grid-cols-2 lg:grid-cols-[minmax(14rem,2fr)_repeat(3,minmax(9rem,1fr))]">
        <IdSearch
          q={filter.q}
          label="Delivery, event or webhook id"
          placeholder="msg_…, evt_… or your event id"
          name="Find deliveries"
          className="sm:col-span-2 lg:col-span-1"
          onSearch={(q) => update({ q })}
        />
        <FilterSelect
          id={ids.endpoint}
          label="Endpoint"
          value={filter.endpointId}
          anyLabel="All endpoints"
          options={endpoints.map((e) => ({ value: e.id, label: e.name }))}
          onChange={(v) => update({ endpoint: v })}
        />
        <FilterSelect
          id={ids.type}
          label="Event type"
          value={filter.eventType}
          anyLabel="All event types"
          options={eventTypes.map((t) => ({ value: t, label: t }))}
          onChange={(v) => update({ type: v })}
        />
        <FilterSelect
          id={ids.range}
          label="Created"
          value={filter.range}
          anyLabel="Any time"
          options={(Object.keys(RANGE_LABELS) as TimeRange[]).map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
          onChange={(v) => update({ range: v })}
        />
        {narrowed ? (
          <div className="sm:col-span-2 lg:col-span-4">
            <Button type="button" variant="ghost" size="sm" onClick={clear}>
              <X aria-hidden />
              Clear filters
            </Button>
          </div>
        ) : null}
      </div>
      <DeliveryList
        scoping={scoping}
        canReplay={canReplay}
        status={status}
        onStatusChange={(s) => update({ status: s === "failed" && !filter.q ? undefined : s })}
        filter={filter}
        onClearFilters={clear}
      />
    </div>
  );
}

function FilterSelect({
  id,
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: { value: string; label: string }[];
  onChange: (value: string | undefined) => void;
}) {
  // A value from a shared link that is not offered (an endpoint since deleted) still shows.
  const all = value && !options.some((o) => o.value === value) ? [...options, { value, label: value }] : options;
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Select value={value ?? ANY} onValueChange={(v) => onChange(v === ANY ? undefined : v)}>
        <SelectTrigger id={id} className="w-full min-w-0">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={ANY}>{anyLabel}</SelectItem>
          {all.map((o) => (
            <SelectItem key={o.value} value={o.value}>
              <span className="truncate">{o.label}</span>
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
