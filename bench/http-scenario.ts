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

export async function runHttpScenario(s: HttpScenario): Promise<void> {
  const app = await serveRoutes(s.routes);
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
    const rows: Row[] = [rowOf("route handlers behind serveRoutes (no Next.js)", await load(request(app.origin)))];

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
    await app.close();
    await bare.close();
  }
}
