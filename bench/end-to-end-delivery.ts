// End to end: N events through POST /api/v1/events → the delivery dispatcher → the embedded
// Inngest executor → deliver-webhook (signs, POSTs, records the attempt) → a receiver on
// 127.0.0.1. Reports deliveries/s and the latency from the start of the POST to the receiver
// having the request, beside the same number of plain signed POSTs sent by a simple loop
// straight to the same receiver in the same run. Run: npm run bench:e2e
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { envInt, openDatabase, percentile, prepareDatabase, printTable, run, type Row } from "./harness";
import { countStatements, databaseCpu, printStatements, printTableWrites, tableWrites } from "./db-cost";
import { heapSpaces, idleMemory, memoryLine, rssParts, sampleMemory, settledMemory, snapshot } from "./memory";

type LoadWorker = { receiverUrl: string; call<T>(type: string, args?: unknown): Promise<T>; close(): Promise<void> };

/** Starts bench/e2e-load.mjs in a worker thread and talks to it by messages. */
async function startLoadWorker(data: { appOrigin: string; accessToken: string; signingSecret: string }): Promise<LoadWorker> {
  const worker = new Worker(new URL("./e2e-load.mjs", import.meta.url), { workerData: data });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const receiverUrl = await new Promise<string>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (m.ready) return resolve(m.ready);
      const p = pending.get(m.id!);
      pending.delete(m.id!);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
  });
  const call = <T>(type: string, args?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, type, args });
    });
  return {
    receiverUrl,
    call,
    close: async () => {
      await call("close").catch(() => {});
      await worker.terminate();
    },
  };
}

/** A CPU profile of this thread (the app) for the measured phase: BENCH_PROFILE=<file.cpuprofile>. */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    stop: async (file) => {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`  CPU profile of the measured phase written to ${file}`);
    },
  };
}

run(async () => {
  const database = await prepareDatabase("e2e");
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT ??= "1000";
  process.env.GATEHOUSE_API_RATE_LIMIT ??= "1000000000"; // one credential sends everything; the /api/v1 limit is not measured here
  const events = envInt("BENCH_EVENTS", 200);
  const endpointCount = envInt("BENCH_ENDPOINTS", 1);
  const concurrency = envInt("BENCH_CONNECTIONS", 10);
  const seconds = envInt("BENCH_SECONDS", 15); // posting stops after this
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 30); // then wait at most this for receipts
  const expected = events * endpointCount;
  try {
    await openDatabase(database);
    // As server.ts does (npm start): V8's heap growth bounded (GATEHOUSE_HEAP_GROWTH_PERCENT).
    const { env } = await import("@/lib/env");
    const { boundHeapGrowth } = await import("@/lib/runtime/heap-growth");
    const heapGrowth = boundHeapGrowth(env().GATEHOUSE_HEAP_GROWTH_PERCENT);
    const { db } = await import("@/lib/db/client");
    const { createBenchOrg, benchCredential, bearerToken } = await import("./fixtures");
    const { inngest } = await import("@/inngest/client");
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    const { startEngine } = await import("@/inngest/start-engine");
    const { serveFunctions, silentLogger } = await import("@/inngest/engine/testing");
    const { functions } = await import("@/inngest/index");
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const tokenRoute = await import("@/app/oauth/token/route");
    const eventsRoute = await import("@/app/api/v1/events/route");

    const served = await serveFunctions(inngest, functions);
    const engine = await startEngine({ serveUrl: served.url, pollIntervalMs: 50, logger: silentLogger });
    // As npm start does: the executor's calls reach the serve handler in-process.
    const { serveFunctionsInProcess } = await import("@/start-up");
    await serveFunctionsInProcess(served.url);
    const app = await serveRoutes({ "/oauth/token": tokenRoute, "/api/v1/events": eventsRoute });
    const org = await createBenchOrg("e2e");
    let load: LoadWorker | undefined;
    try {
      await engine.ready;
      registerDeliveryDispatcher();
      const { clientId, secret } = await benchCredential(org.orgId, ["events:write"]);
      const accessToken = await bearerToken(app.origin, clientId, secret);
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      // The receiver and the API clients run in a worker thread (bench/e2e-load.mjs): the
      // customers' endpoints and the services posting events are not in the app's process.
      // The baseline signs with a secret of the same format as the endpoints' own.
      load = await startLoadWorker({ appOrigin: app.origin, accessToken, signingSecret: `whsec_${randomBytes(24).toString("base64")}` });
      for (let i = 0; i < endpointCount; i++) {
        await createEndpoint({
          orgId: org.orgId,
          environment: "test",
          name: `bench ${i + 1}`,
          url: `${load.receiverUrl}/endpoint-${i + 1}`,
          eventTypes: ["run.completed"],
          headers: {},
          fields: ENDPOINTS_FIELDS,
          ctx,
        });
      }
      /** Deliveries of events numbered seqFrom… (each phase has its own range) once `want` have arrived, or at `until`. */
      // Waits on the count, then copies the list once (a list of 100,000 copied every 25 ms
      // would be the bench's garbage in the app's heap figures).
      const arrivedFrom = async (seqFrom: number, want: number, until: number) => {
        const args = { seqFrom, seqTo: seqFrom + 10_000_000 };
        while ((await load!.call<number>("count", args)) < want && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
        return load!.call<[number, number][]>("arrived", args);
      };

      // Warm-up: a few events all the way through, so the first measured ones pay no JIT or sync.
      const warm = 5;
      const warmSeq = 10_000_000;
      const w = await load.call<{ rejected: number }>("post", { events: warm, concurrency: 1, seconds: 60, seqFrom: warmSeq });
      if (w.rejected) throw new Error(`warm-up: ${w.rejected} events rejected`);
      await arrivedFrom(warmSeq, warm * endpointCount, Date.now() + 60_000);

      // Baselines: the same number of signed POSTs, same concurrency, straight to the receiver,
      // on fresh connections and on kept-alive ones (deliver-webhook keeps them within a batch).
      type Base = { t0: number; sent: number; latencies: number[]; end: number; count: number };
      const baseRow = (b: Base, name: string): Row => ({
        name,
        rps: b.count / Math.max(0.001, (b.end - b.t0) / 1000),
        p50: percentile(b.latencies, 50),
        p99: percentile(b.latencies, 99),
        requests: b.count,
        note: b.sent < expected ? `stopped at the ${baseSeconds} s bound after ${b.sent} of ${expected}` : undefined,
      });
      const baseSeconds = envInt("BENCH_BASELINE_SECONDS", seconds); // shorter for long memory runs
      const fresh = await load.call<Base>("baseline", { n: expected, concurrency, seconds: baseSeconds, keepAlive: false });
      const kept = await load.call<Base>("baseline", { n: expected, concurrency, seconds: baseSeconds, keepAlive: true });
      const baseline = baseRow(fresh, "plain signed POSTs from a loop → receiver, new connections");
      const keptRow = baseRow(kept, "the same over kept-alive connections");

      // The scenario: N events through the API; each becomes `endpointCount` deliveries.
      // Memory of this process (heap: the app's thread; RSS: the whole process, the load
      // worker's thread and, with PGlite, the database included) before, during and after.
      const MiB = 1024 * 1024;
      const workerHeap = async () => {
        const m = await load!.call<{ heapUsed: number; heapTotal: number }>("memory");
        return `load worker's heap ${(m.heapUsed / MiB).toFixed(0)} of ${(m.heapTotal / MiB).toFixed(0)} MiB`;
      };
      const idle = idleMemory();
      console.log(`  memory idle (after a full GC): V8 spaces (MiB committed) ${heapSpaces()}; ${await workerHeap()}`);
      console.log(`  RSS idle by kind (MiB): ${rssParts()}`);
      const memory = sampleMemory(250, {
        before: idle,
        printEveryMs: envInt("BENCH_MEMORY_EVERY_MS", 5_000),
        progress: async () =>
          `${await load!.call<number>("count", { seqFrom: 0, seqTo: 10_000_000 })} deliveries arrived; ${await workerHeap()}; RSS by kind ${rssParts()}`,
      });
      // BENCH_HEAPSNAPSHOT_AT=<s>: a snapshot of what is live that many seconds into the phase.
      const snapAt = envInt("BENCH_HEAPSNAPSHOT_AT", 0);
      const snapTimer = snapAt ? setTimeout(() => snapshot(`during-${snapAt}s`), snapAt * 1000) : undefined;
      const calls0 = engine.stats.calls;
      const dbCpu = database.isPostgres ? await databaseCpu() : null;
      const writes0 = database.isPostgres ? await tableWrites() : null;
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const profiling = process.env.BENCH_PROFILE ? await startProfile() : undefined;
      const counting = process.env.BENCH_COUNT_SQL && database.label.toLowerCase().includes("postgres") ? await countStatements() : undefined;
      const p = await load.call<{
        t0: number;
        postedAt: number;
        posted: number;
        rejected: number;
        failures: Record<string, number>;
        ingestMs: number[];
        started: Record<number, number>;
      }>(
        "post",
        { events, concurrency, seconds, seqFrom: 0 },
      );
      const want = (p.posted - p.rejected) * endpointCount;
      const got = await arrivedFrom(0, want, Date.now() + drainSeconds * 1000);
      const memoryDuring = memory.stop();
      clearTimeout(snapTimer);
      if (profiling) await profiling.stop(process.env.BENCH_PROFILE!);
      const statements = counting?.stop();
      const cpu = process.cpuUsage(cpu0);
      const dbCpuMs = dbCpu ? await dbCpu() : null;
      const calls = engine.stats.calls - calls0;
      const elu = performance.eventLoopUtilization(elu0);
      const lat = got.map(([seq, at]) => at - p.started[seq]!);
      const end = got.length ? got.reduce((m, [, at]) => Math.max(m, at), 0) : Date.now();
      const notes = [
        p.posted < events ? `posting stopped at the ${seconds} s bound after ${p.posted} of ${events} events` : "",
        // A client that gave up (10 s) may still have had its event stored: its deliveries then arrive too.
        p.rejected ? `${p.rejected} events not answered 202 (${Object.entries(p.failures).map(([k, n]) => `${k}: ${n}`).join(", ")})` : "",
        got.length < want ? `only ${got.length} of ${want} deliveries arrived within ${drainSeconds} s of the last POST` : "",
      ].filter(Boolean);
      const row: Row = {
        name: "events → executor → deliver-webhook → receiver",
        rps: got.length / Math.max(0.001, (end - p.t0) / 1000),
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        requests: got.length,
        note: notes.join("; ") || undefined,
      };

      // Attempts are recorded after the receiver answers: give the last ones a moment.
      const recordedBy = Date.now() + 5_000;
      let succeeded = 0;
      do {
        succeeded = await db.delivery.count({ where: { orgId: org.orgId, status: "succeeded" } });
        if (succeeded >= want + warm * endpointCount) break;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < recordedBy);

      // Paced: events at a steady rate below capacity, one at a time, so the latency is that of
      // the path (event → first attempt) and not of a queue. Each event is one delivery per endpoint.
      const pacedCount = envInt("BENCH_PACED_EVENTS", 100);
      const pacedRate = envInt("BENCH_PACED_RATE", 10); // events per second
      const pacedSeq = 20_000_000;
      const pc = await load.call<{ t0: number; started: Record<number, number> }>("paced", { count: pacedCount, rate: pacedRate, seconds, seqFrom: pacedSeq });
      const pacedWant = Object.keys(pc.started).length * endpointCount;
      const pacedGot = await arrivedFrom(pacedSeq, pacedWant, Date.now() + drainSeconds * 1000);
      const pacedLat = pacedGot.map(([seq, at]) => at - pc.started[seq]!);
      const paced: Row = {
        name: `paced at ${pacedRate} events/s: latency event → first attempt`,
        rps: pacedGot.length / Math.max(0.001, (pacedGot.reduce((m, [, at]) => Math.max(m, at), pc.t0 + 1) - pc.t0) / 1000),
        p50: percentile(pacedLat, 50),
        p99: percentile(pacedLat, 99),
        requests: pacedGot.length,
        note: pacedGot.length < pacedWant ? `only ${pacedGot.length} of ${pacedWant} deliveries arrived` : undefined,
      };

      printTable({
        title: `End-to-end delivery (${events} events × ${endpointCount} endpoint${endpointCount > 1 ? "s" : ""} = ${expected} deliveries)`,
        unit: "deliveries/s",
        lines: [
          `database: ${database.label}`,
          "in this process: route handlers behind tests/helpers/route-server.ts (no Next.js) and the embedded Inngest executor",
          "  (inngest/engine, poll 50 ms) calling the app's serve handler in-process as npm start does; in a worker thread",
          "  (bench/e2e-load.mjs): the API clients and a receiver on 127.0.0.1 answering 200",
          `events posted by ${concurrency} concurrent clients (bounded by ${events} events and ${seconds} s; receipts awaited ≤ ${drainSeconds} s);`,
          `  then ${pacedCount} more paced at ${pacedRate}/s (BENCH_PACED_EVENTS, BENCH_PACED_RATE) for the latency below capacity`,
          "latency: from the start of POST /api/v1/events (baseline: of the POST) to the receiver having the request",
          "rate: deliveries received ÷ (last receipt − first POST); deliver-webhook sends ≤ 10 at once to an endpoint",
          `baselines: ${expected} POSTs signed with standardwebhooks, ${concurrency} at once, from the worker to its receiver`,
          `V8 heap growth after a full GC: ${heapGrowth === null ? "V8's own (GATEHOUSE_HEAP_GROWTH_PERCENT=0)" : `${heapGrowth}% (GATEHOUSE_HEAP_GROWTH_PERCENT)`}`,
        ],
        rows: [keptRow, row, paced],
        baseline,
      });
      console.log(
        `  ingestion (202) latency p50 ${percentile(p.ingestMs, 50)} ms, p99 ${percentile(p.ingestMs, 99)} ms; ` +
          `posting lasted ${((p.postedAt - p.t0) / 1000).toFixed(1)} s; deliveries marked succeeded: ${succeeded} (incl. ${warm * endpointCount} warm-up)`,
      );
      // CPU time is steadier than rates on a shared machine: what this process spent per delivery
      // (the app's thread, and the worker's: clients and receiver); the database server's CPU is
      // not included. The app thread's share is its event-loop utilization.
      console.log(
        `  CPU of this process: ${((cpu.user + cpu.system) / 1000 / Math.max(1, got.length)).toFixed(2)} ms per delivery ` +
          `(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for ${got.length}); the app's event loop was busy ${(elu.utilization * 100).toFixed(0)}% ` +
          `(${((elu.active / Math.max(1, got.length))).toFixed(2)} ms per delivery)`,
      );
      if (dbCpuMs !== null) {
        console.log(
          `  CPU of PostgreSQL's backends for this database: ${(dbCpuMs / Math.max(1, got.length)).toFixed(2)} ms per delivery ` +
            `(${(dbCpuMs / 1000).toFixed(1)} s; backends that closed during the phase are not counted)`,
        );
      }
      if (writes0) await printTableWrites(writes0, got.length);
      const settled = await settledMemory();
      console.log(`  memory: ${memoryLine(memoryDuring, settled)}; ${await workerHeap()}`);
      console.log(`  V8 spaces after (MiB committed): ${heapSpaces()}`);
      console.log(`  RSS after by kind (MiB): ${rssParts()}`);
      // The RSS above includes the load worker (its isolate, its receiver's and clients' buffers).
      await load.close();
      load = undefined;
      console.log(`  memory with the load worker stopped: RSS ${(idleMemory("worker-stopped").rss / MiB).toFixed(0)} MiB`);
      // Each try of deliver-webhook is one call into the SDK (no step):
      // calls per delivery show how well deliveries were batched.
      if (statements) printStatements(statements, got.length);
      console.log(`  calls from the executor into the app's functions: ${calls} (${(calls / Math.max(1, got.length)).toFixed(2)} per delivery)`);
    } finally {
      await load?.close();
      await engine.stop();
      await served.close();
      await app.close();
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});
