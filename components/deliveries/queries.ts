"use client";
// TanStack Query for webhook deliveries: one options factory and hook per resource (the paged
// list by endpoint and status, one delivery with its attempts, per-endpoint stats, one endpoint's
// outcomes over time); replay mutations invalidate by the factories' keys. Lists, the outcome chart
// and an open delivery are live (components/live.ts): they poll every 2 s while the tab is
// visible, whatever they show, so a delivery released, retried or sent elsewhere appears.
import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from "@tanstack/react-query";
import { LIVE, LIVE_INTERVAL_MS } from "@/components/live";
import { fetchApi } from "@/lib/api/fetch-api";
import {
  DELIVERIES_PAGE_SIZE,
  deliveryKeys,
  TIME_RANGES,
  type DeliveryListFilter,
  type DeliveryStatus,
  type Scoping,
  type StatusFilter,
  type TimeRange,
} from "@/components/deliveries/query-keys";
import type { DeliveryStatsView, DeliveryStatsWindow, DeliveryView, ReplayFailedPreview } from "@/lib/validations/deliveries";

type List<T> = { data: T[]; next_cursor: string | null };

export type DeliveryAttempt = {
  number: number;
  /** Where the attempt was sent (null on attempts recorded before URLs were kept). */
  url: string | null;
  request_headers: Record<string, string>;
  request_body: string;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  latency_ms: number | null;
  error: string | null;
  /** Set when this attempt was a replay: when it was asked for, and by whom. */
  replayed_at: string | null;
  replayed_by: string | null;
  created_at: string;
};
export type DeliveryDetail = DeliveryView & { attempt_log: DeliveryAttempt[] };
/** A replay: the same delivery, pending again, and where its last attempt went when the endpoint's URL changed since. */
export type ReplayResult = DeliveryDetail & { url_changed_from: string | null };
export type EndpointDeliveryStats = {
  endpoint_id: string;
  succeeded: number;
  failed: number;
  total: number;
  last_delivery_at: string | null;
  success_rate: number | null;
};

export { LIVE_INTERVAL_MS };
export { deliveryKeys, TIME_RANGES };
export type { DeliveryListFilter, DeliveryStatus, Scoping, StatusFilter, TimeRange };

const deliveryPath = (id: string) => `/api/v1/deliveries/${encodeURIComponent(id)}`;

/** True while any delivery shown is still being attempted. */
export function hasPending(deliveries: Pick<DeliveryView, "status">[]): boolean {
  return deliveries.some((d) => d.status === "pending");
}

/** True while a delivery on any loaded page of a list is pending. */
export function listHasPending(data: InfiniteData<List<DeliveryView>> | undefined): boolean {
  return !!data && data.pages.some((p) => hasPending(p.data));
}

export function deliveriesQueryOptions(s: Scoping | undefined, f: DeliveryListFilter) {
  return infiniteQueryOptions({
    queryKey: deliveryKeys.list(s, f),
    queryFn: ({ signal, pageParam }) => {
      const q = new URLSearchParams({ limit: String(DELIVERIES_PAGE_SIZE) });
      if (f.status !== "all") q.set("status", f.status);
      if (f.endpointId) q.set("endpoint_id", f.endpointId);
      if (f.eventType) q.set("event_type", f.eventType);
      if (f.q) q.set("q", f.q);
      if (f.eventId) q.set("event_id", f.eventId);
      if (f.range) q.set("created_after", new Date(Date.now() - TIME_RANGES[f.range]).toISOString());
      if (pageParam) q.set("cursor", pageParam);
      return fetchApi<List<DeliveryView>>(`/api/v1/deliveries?${q}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // Deliveries move between statuses on their own (a retry fails for good, a held one is
    // released, an event sent elsewhere adds one): live, whatever the list shows now.
    ...LIVE,
  });
}

export function deliveryQueryOptions(s: Scoping | undefined, id: string) {
  return queryOptions({
    queryKey: deliveryKeys.detail(s, id),
    queryFn: ({ signal }) => fetchApi<DeliveryDetail>(deliveryPath(id), { signal }),
    ...LIVE,
  });
}

export function deliveryStatsQueryOptions(s?: Scoping) {
  return queryOptions({
    queryKey: deliveryKeys.stats(s),
    queryFn: ({ signal }) => fetchApi<List<EndpointDeliveryStats>>("/api/v1/deliveries/stats", { signal }),
    select: (r) => r.data,
    ...LIVE,
  });
}

/** One endpoint's outcomes per hour or day; live like the lists. */
export function deliveryOutcomesQueryOptions(s: Scoping | undefined, endpointId: string, window: DeliveryStatsWindow) {
  return queryOptions({
    queryKey: deliveryKeys.outcomes(s, endpointId, window),
    queryFn: ({ signal }) =>
      fetchApi<DeliveryStatsView>(`/api/v1/endpoints/${encodeURIComponent(endpointId)}/stats?window=${window}`, { signal }),
    ...LIVE,
  });
}

export function useDeliveries(s: Scoping | undefined, f: DeliveryListFilter) {
  return useInfiniteQuery(deliveriesQueryOptions(s, f));
}

export function useDelivery(s: Scoping | undefined, id: string | null) {
  return useQuery({ ...deliveryQueryOptions(s, id ?? ""), enabled: id !== null });
}

export function useDeliveryStats(s?: Scoping) {
  return useQuery(deliveryStatsQueryOptions(s));
}

export function useDeliveryOutcomes(s: Scoping | undefined, endpointId: string, window: DeliveryStatsWindow) {
  return useQuery(deliveryOutcomesQueryOptions(s, endpointId, window));
}

// A replay adds rows to lists with and without a scoping (an endpoint's page and the Failed
// deliveries view share endpoints), so every deliveries list and the stats are refreshed.
function invalidateAfterReplay(qc: ReturnType<typeof useQueryClient>) {
  return qc.invalidateQueries({
    predicate: (q) => q.queryKey[0] === "deliveries" && (q.queryKey.includes("list") || q.queryKey.includes("stats")),
  });
}

/** Another attempt of the same delivery (the same webhook-id): it becomes pending again. */
export function useReplayDelivery(s?: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchApi<ReplayResult>(`${deliveryPath(id)}/replay`, { method: "POST" }),
    onSuccess: (d) => qc.setQueryData(deliveryKeys.detail(s, d.id), d),
    onSettled: () => invalidateAfterReplay(qc),
  });
}

/**
 * What "Replay all failed" would replay (per endpoint), shown before it is confirmed. Live like
 * the lists, so a failure arriving while the dialog is open is counted.
 */
export function useReplayFailedPreview(s: Scoping | undefined, v: { since: string | null; endpointId?: string }, enabled: boolean) {
  return useQuery({
    queryKey: [...deliveryKeys.all(s), "replay-preview", v.endpointId ?? "all-endpoints", v.since] as const,
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ since: v.since! });
      if (v.endpointId) q.set("endpoint_id", v.endpointId);
      return fetchApi<ReplayFailedPreview>(`/api/v1/deliveries/replay-failed?${q}`, { signal });
    },
    enabled: enabled && !!v.since,
    ...LIVE,
  });
}

/** Every failed delivery since a time (of one endpoint, or all) becomes pending again. */
export function useReplayFailed(s?: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { since: string; endpointId?: string }) =>
      fetchApi<{ replayed: number }>("/api/v1/deliveries/replay-failed", {
        method: "POST",
        body: { since: v.since, ...(v.endpointId ? { endpoint_id: v.endpointId } : {}) },
      }),
    onSettled: () => invalidateAfterReplay(qc),
  });
}
