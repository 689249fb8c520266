// Live queries (components/live.ts) on a real QueryClient and QueryObserver (what useQuery uses):
// data a page brought with its HTML is not fetched again when the query mounts; older or
// invalidated data is. (TanStack does not poll outside a browser; the e2e first-paint spec sees the polls.)
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { LIVE, LIVE_INTERVAL_MS } from "@/components/live";

const clients: QueryClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.clear();
});

function setup(updatedAt: number) {
  const client = new QueryClient();
  clients.push(client);
  let calls = 0;
  const key = ["live-test"];
  client.setQueryData(key, { n: 0 }, { updatedAt });
  const observer = new QueryObserver(client, {
    queryKey: key,
    queryFn: async () => ({ n: ++calls }),
    ...LIVE,
  });
  return { client, key, observer, calls: () => calls };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("live queries on mount", () => {
  it("do not refetch data younger than one interval (as the page brought it)", async () => {
    const { observer, calls } = setup(Date.now());
    const stop = observer.subscribe(() => {});
    await settle();
    expect(calls()).toBe(0);
    stop();
  });

  it("refetch at once data older than one interval", async () => {
    const { observer, calls } = setup(Date.now() - LIVE_INTERVAL_MS - 1);
    const stop = observer.subscribe(() => {});
    await settle();
    expect(calls()).toBe(1);
    stop();
  });

  it("refetch at once fresh data that was invalidated since", async () => {
    const { client, key, observer, calls } = setup(Date.now());
    await client.invalidateQueries({ queryKey: key }); // no observer yet: only marks it
    expect(calls()).toBe(0);
    const stop = observer.subscribe(() => {});
    await settle();
    expect(calls()).toBe(1);
    stop();
  });

});
