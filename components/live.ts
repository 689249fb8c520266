// The console's one mechanism for live data: TanStack Query polling. A query shown as live
// refetches every 2 s while its tab is visible (TanStack pauses the interval in a background tab
// and refetches on focus), and stops for good once the resource is gone (404), so a deleted
// thing's panel does not keep asking for it.
import type { Query } from "@tanstack/react-query";

export const LIVE_INTERVAL_MS = 2_000;

function isGone(error: unknown): boolean {
  return typeof error === "object" && error !== null && "status" in error && (error as { status: unknown }).status === 404;
}

/** refetchInterval for a live query: every 2 s, none once the server answered 404. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one function serves as refetchInterval for queries of every type
export function liveInterval(query: Query<any, any, any, any>): number | false {
  return isGone(query.state.error) ? false : LIVE_INTERVAL_MS;
}

/**
 * refetchOnMount for a live query: at once, unless its data is younger than one interval and
 * nothing invalidated it since. Data a page brought with its HTML (HydrationBoundary) is not
 * fetched again the moment the page hydrates; the interval refreshes it within 2 s like the rest.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as liveInterval
export function refetchUnlessFresh(query: Query<any, any, any, any>): boolean {
  return query.state.isInvalidated || Date.now() - query.state.dataUpdatedAt >= LIVE_INTERVAL_MS;
}

/** Options to spread into a live query. */
export const LIVE = {
  refetchInterval: liveInterval,
  refetchIntervalInBackground: false,
  // What a live list shows moves on its own: showing it again refetches at once (unless it was
  // loaded within the last interval, as with data the page came with).
  staleTime: 0,
  refetchOnMount: refetchUnlessFresh,
} as const;
