// The shape shared by the request/response benchmarks. In one run, for each connection count:
//   1. a bare Node http handler (the baseline),
//   2. a bare Next.js route handler (GET /api/health: no auth, no query) through Next.js,
//   3. the scenario through `npm start`'s own server (lib/http/gatehouse-server.ts: the lean
//      layer in front of Next.js), started in this process from the build in .next.
// Without a build (.next/BUILD_ID), 2 is skipped and 3 runs the route handlers behind the same
// Node adapter without Next.js (tests/helpers/route-server.ts); the table says which.
import { existsSync } from "node:fs";
import path from "node:path";
import { cpuNow, load, nextBaseUrl, printTable, rowOf, startBareServer, warmUp, type LoadOptions, type Row } from "./harness";
import { expectStatus } from "./fixtures";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";

export interface HttpScenario {
  title: string;
  /** Printed above the table: what runs, on what, with which settings. */
  lines: string[];
  /** The route modules the scenario needs when there is no build (served without Next.js). */
  routes: Routes;
  path: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** The status every measured request should get (checked once before measuring). */
  status: number;
  /** One table per connection count. */
  connections: number[];
  seconds: number;
  maxRequests: number;
  /** Also measure latency at this fraction of the baseline's rate (autocannon overallRate), at the largest connection count. */
  latencyAtBaselineFraction?: number;
  /** Runs once the app server is up (e.g. to unregister the delivery dispatcher its start-up registered). */
  afterAppStart?: () => void | Promise<void>;
}

const root = path.resolve(import.meta.dirname, "..");

/** The app as `npm start` runs it, in this process, when a build exists. */
async function startApp() {
  if (process.env.BENCH_NO_NEXT === "1" || !existsSync(path.join(root, ".next", "BUILD_ID"))) return null;
  const { startGatehouseServer } = await import("@/lib/http/gatehouse-server");
  return startGatehouseServer({ dir: root, port: 0, hostname: "127.0.0.1" });
}

/** Runs one measured load and notes its CPU per request. */
async function measured(label: string, cpu: string[], run: () => Promise<import("./harness").LoadResult>) {
  const before = cpuNow();
  const r = await run();
  const after = cpuNow();
  const n = Math.max(1, r.requests);
  const pg = before.pg !== null && after.pg !== null ? `, PostgreSQL ${Math.round((after.pg - before.pg) / n)} µs` : "";
  cpu.push(`${label}: this process ${Math.round((after.proc - before.proc) / n)} µs${pg}`);
  return r;
}

/** Resolves once no request is in flight on the server under test (bounded). */
async function drained(count: () => number, ms = 30_000) {
  const until = Date.now() + ms;
  while (count() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

export async function runHttpScenario(s: HttpScenario): Promise<void> {
  const app = await startApp();
  if (app) await s.afterAppStart?.();
  const fallback = app ? null : await serveRoutes(s.routes);
  const origin = app?.origin ?? fallback!.origin;
  // autocannon stops by dropping its connections; handlers it leaves behind must finish before
  // the next run or before the database closes.
  let inFlight = 0;
  const server = app?.server;
  server?.on("request", (_req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
  });
  const bare = await startBareServer(s.status);
  try {
    const request = (o: string, p: string, connections: number, extra: Partial<LoadOptions> = {}): LoadOptions => ({
      url: o + p,
      method: s.method,
      headers: s.headers,
      body: s.body,
      connections,
      seconds: s.seconds,
      maxRequests: s.maxRequests,
      ...extra,
    });
    await expectStatus(origin + s.path, { method: s.method, headers: s.headers, body: s.body }, s.status);
    const subject = app
      ? "npm start's server in this process (lib/http/gatehouse-server.ts): the lean layer answers it"
      : "route handlers behind the lean layer's Node adapter, no Next.js (no .next build found)";

    for (const connections of s.connections) {
      const cpu: string[] = [];
      await warmUp(request(bare.origin, s.path, connections));
      const baseline = rowOf("bare Node http handler", await measured("bare Node", cpu, () => load(request(bare.origin, s.path, connections))));
      const rows: Row[] = [];
      if (app) {
        const health = { method: "GET" as const, headers: {}, body: undefined };
        await warmUp({ ...request(app.origin, "/api/health", connections), ...health });
        rows.push(rowOf("bare Next.js route handler (GET /api/health)", await load({ ...request(app.origin, "/api/health", connections), ...health })));
      }
      await warmUp(request(origin, s.path, connections));
      await drained(() => inFlight);
      rows.push(rowOf(app ? "this scenario via npm start's server" : "this scenario via route handlers (no Next.js)", await measured("this scenario", cpu, () => load(request(origin, s.path, connections)))));
      await drained(() => inFlight);
      if (s.latencyAtBaselineFraction && connections === Math.max(...s.connections)) {
        const rate = Math.max(1, Math.round(baseline.rps * s.latencyAtBaselineFraction));
        const r = rowOf(`  same, paced at ${s.latencyAtBaselineFraction}× baseline (${rate} req/s offered)`, await measured("paced", cpu, () => load(request(origin, s.path, connections, { overallRate: rate }))));
        rows.push(r);
        await drained(() => inFlight);
      }
      const next = nextBaseUrl();
      if (next) {
        await expectStatus(next + s.path, { method: s.method, headers: s.headers, body: s.body }, s.status);
        await warmUp(request(next, s.path, connections));
        rows.push(rowOf(`a separate server at ${next}`, await load(request(next, s.path, connections))));
      }
      printTable({
        title: `${s.title}, ${connections} connections`,
        lines: [
          ...s.lines,
          `server: ${subject}`,
          `load: autocannon, ${connections} connections, each run ≤ ${s.seconds} s and ≤ ${s.maxRequests} requests, after a 1 s warm-up`,
        ],
        rows,
        baseline,
      });
      // This process runs the server and the load generator (autocannon's worker): the bare row's
      // figure is mostly the load generator's share, so the difference is what the scenario adds.
      console.log(`  CPU per request (this process: server + load generator; PostgreSQL: this bench's backends): ${cpu.join("; ")}`);
    }
  } finally {
    await drained(() => inFlight);
    await app?.close();
    await fallback?.close();
    await bare.close();
  }
}
