// The first data of a console page, loaded by the page (a server component) and handed to the
// client components' TanStack queries under their own keys (HydrationBoundary), so the page
// arrives with its content instead of fetching it after hydration: no loading state that moves
// the page when the data lands, one request fewer, and the largest content painted with the HTML.
// The data goes through JSON first, so the client sees exactly what the API would have sent
// (strings for dates, no undefined fields).
import { dehydrate, QueryClient, type DehydratedState, type QueryKey } from "@tanstack/react-query";

export function queryState(entries: [QueryKey, unknown][]): DehydratedState {
  const client = new QueryClient();
  for (const [key, data] of entries) client.setQueryData(key, JSON.parse(JSON.stringify(data)));
  return dehydrate(client);
}

/** An infinite query's data with its first page only (what useInfiniteQuery starts with). */
export function firstPage<T>(page: T): { pages: T[]; pageParams: (string | null)[] } {
  return { pages: [page], pageParams: [null] };
}
