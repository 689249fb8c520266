// The shape shared by the request/response benchmarks: the route handlers behind serveRoutes (a
// plain Node http server, no Next.js) and a bare Node handler, loaded the same way in the same
// run; optionally the same requests against `next start` at BENCH_BASE_URL.
import { load, nextBaseUrl, printTable, rowOf, startBareServer, warmUp, type LoadOptions, type Row } from "./harness";
import { expectStatus } from "./fixtures";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";

export interface HttpScenario {
  title: string;
  /** Printed above the table: what runs, on what, with which settings. */
  lines: string[];
  routes: Routes;
  path: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** The status every measured request should get (checked once before measuring). */
  status: number;
  connections: number;
  seconds: number;
  maxRequests: number;
}

/**
 * Wraps every handler of `routes` to count requests in flight. autocannon stops by dropping its
 * connections, and the handlers it leaves behind must finish before the next run or before the
 * database closes (or they fail with "transaction not found" and muddle the output).
 */
function counted(routes: Routes) {
  let inFlight = 0;
  const wrapped: Routes = {};
  for (const [pattern, mod] of Object.entries(routes)) {
    const m: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(mod)) {
      m[k] =
        typeof v === "function" && /^[A-Z]+$/.test(k)
          ? async (...args: unknown[]) => {
              inFlight++;
              try {
                return await (v as (...a: unknown[]) => Promise<Response>)(...args);
              } finally {
                inFlight--;
              }
            }
          : v;
    }
    wrapped[pattern] = m;
  }
  return {
    routes: wrapped,
    /** Resolves once no handler is running (bounded: gives up after `ms`). */
    async drained(ms = 30_000) {
      const until = Date.now() + ms;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

export async function runHttpScenario(s: HttpScenario): Promise<void> {
  const handlers = counted(s.routes);
  const app = await serveRoutes(handlers.routes);
  const bare = await startBareServer(s.status);
  try {
    const request = (origin: string): LoadOptions => ({
      url: origin + s.path,
      method: s.method,
      headers: s.headers,
      body: s.body,
      connections: s.connections,
      seconds: s.seconds,
      maxRequests: s.maxRequests,
    });
    await expectStatus(app.origin + s.path, { method: s.method, headers: s.headers, body: s.body }, s.status);

    await warmUp(request(bare.origin));
    const baseline = rowOf("bare Node http handler", await load(request(bare.origin)));
    await warmUp(request(app.origin));
    await handlers.drained();
    const rows: Row[] = [rowOf("route handlers behind serveRoutes (no Next.js)", await load(request(app.origin)))];
    await handlers.drained();

    const next = nextBaseUrl();
    if (next) {
      await expectStatus(next + s.path, { method: s.method, headers: s.headers, body: s.body }, s.status);
      await warmUp(request(next));
      rows.push(rowOf(`next start at ${next}`, await load(request(next))));
    }

    printTable({
      title: s.title,
      lines: [...s.lines, `load: autocannon, ${s.connections} connections, each run ≤ ${s.seconds} s and ≤ ${s.maxRequests} requests, after a 1 s warm-up`],
      rows,
      baseline,
    });
  } finally {
    await handlers.drained();
    await app.close();
    await bare.close();
  }
}
