// The deliveries' TanStack Query keys (and what they are built from), outside the client module
// so that a page (a server component) can hand over its first data under the same key: the
// endpoint page sends its outcome chart and deliveries list with the HTML.
import type { DeliveryView } from "@/lib/validations/deliveries";
import type { DeliveryStatsWindow } from "@/lib/validations/delivery-stats-windows";

export type DeliveryStatus = DeliveryView["status"];

/**
 * Org and environment come from cookies on the API side. Where they are known they belong in
 * every key, so a switch never shows another organization's cached rows; an endpoint's list is
 * safe without them (endpoint ids are unique across organizations and environments).
 */
export type Scoping = { orgId: string; environment: "test" | "live" };

/** The list filter: one status, or all of them. */
export type StatusFilter = DeliveryStatus | "all";

/** Time ranges the console offers (kept relative in the URL, so a shared link means "the last hour" when opened). */
export const TIME_RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

/** What a deliveries list shows: a status, and optionally narrower. */
export type DeliveryListFilter = {
  endpointId?: string;
  status: StatusFilter;
  eventType?: string;
  /** Exact: a delivery id (webhook-id), an event id, or the client's event id. */
  q?: string;
  range?: TimeRange;
  /** One event's deliveries (its page). */
  eventId?: string;
};

/** Deliveries per page of a list (the endpoint page's first page, loaded on the server, uses it too). */
export const DELIVERIES_PAGE_SIZE = 25;

const scopeKey = (s?: Scoping) => (s ? [s.orgId, s.environment] : ["current"]);

export const deliveryKeys = {
  all: (s?: Scoping) => ["deliveries", ...scopeKey(s)] as const,
  lists: (s?: Scoping) => [...deliveryKeys.all(s), "list"] as const,
  list: (s: Scoping | undefined, f: DeliveryListFilter) =>
    [...deliveryKeys.lists(s), f.endpointId ?? "all-endpoints", f.status, { eventType: f.eventType, q: f.q, range: f.range, eventId: f.eventId }] as const,
  detail: (s: Scoping | undefined, id: string) => [...deliveryKeys.all(s), "detail", id] as const,
  stats: (s?: Scoping) => [...deliveryKeys.all(s), "stats"] as const,
  // Under "stats", so the replays' invalidation (below) refreshes the chart too.
  outcomes: (s: Scoping | undefined, endpointId: string, window: DeliveryStatsWindow) =>
    [...deliveryKeys.stats(s), "outcomes", endpointId, window] as const,
};
