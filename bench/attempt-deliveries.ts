// The delivery path alone, as fixed work: BENCH_DELIVERIES pending deliveries to BENCH_ENDPOINTS
// endpoints (a receiver on 127.0.0.1 in a worker thread, answering 200 at once) are attempted by
// attemptDeliveries in batches of 100 per endpoint, one batch per endpoint at a time, as
// deliver-webhook's runs take them on the embedded executor, but without the executor, the SDK or
// the API: claims, throttle leases, signing, the POSTs and the attempt records. Reports the rate,
// this process's CPU per delivery, PostgreSQL's backend CPU per delivery, the statements and the
// row writes per delivery. The work is the same from run to run, so CPU and statement counts can
// be compared between versions even when the machine is busy. Run: npx tsx bench/attempt-deliveries.ts
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { countStatements, databaseCpu, printStatements, printTableWrites, tableWrites } from "./db-cost";
import { envInt, openDatabase, prepareDatabase, run } from "./harness";

run(async () => {
  const database = await prepareDatabase("attempts");
  const total = envInt("BENCH_DELIVERIES", 10_000);
  const endpointCount = envInt("BENCH_ENDPOINTS", 10);
  const batch = 100;
  try {
    await openDatabase(database);
    const { db } = await import("@/lib/db/client");
    const { sql } = await import("@/lib/db/sql");
    const { createBenchOrg } = await import("./fixtures");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const { attemptDeliveries } = await import("@/lib/deliveries/attempt-delivery");
    const { ingestEvent } = await import("@/lib/events/ingest-event");

    // The receiver in a worker thread (its own event loop), counting what arrives.
    const worker = new Worker(
      `const http = require("node:http"); const { parentPort } = require("node:worker_threads");
       let n = 0;
       const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { n++; res.writeHead(200, { "content-type": "text/plain" }).end("ok"); }); });
       server.keepAliveTimeout = 5000;
       server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
       parentPort.on("message", (m) => m === "close" ? server.close(() => parentPort.postMessage({ closed: true })) : parentPort.postMessage({ n }));`,
      { eval: true },
    );
    const next = () => new Promise<Record<string, number>>((resolve) => worker.once("message", resolve));
    const { port } = await next();
    const org = await createBenchOrg("attempts");
    const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
    try {
      const endpoints: string[] = [];
      for (let i = 0; i < endpointCount; i++) {
        const { endpoint } = await createEndpoint({
          orgId: org.orgId,
          environment: "test",
          name: `bench ${i + 1}`,
          url: `http://127.0.0.1:${port}/endpoint-${i + 1}`,
          eventTypes: ["run.completed"],
          headers: {},
          fields: ENDPOINTS_FIELDS,
          ctx,
        });
        endpoints.push(endpoint.id);
      }
      // Events with one delivery per endpoint; nothing dispatches them (no executor here).
      const events = Math.ceil(total / endpointCount) + 1; // one more for the warm-up
      for (let i = 0; i < events; i++) await ingestEvent({ orgId: org.orgId, environment: "test", type: "run.completed", data: { seq: i, note: "a small payload, as most are" } });
      const rows = await sql<{ id: string; endpointId: string }>(`SELECT "id", "endpointId" FROM "Delivery" WHERE "orgId" = $1 ORDER BY "id"`, [org.orgId]);
      const byEndpoint = new Map<string, string[]>(endpoints.map((e) => [e, []]));
      for (const r of rows) byEndpoint.get(r.endpointId)!.push(r.id);
      // Warm-up: one delivery per endpoint (agents, prepared statements, JIT).
      await Promise.all(endpoints.map((e) => attemptDeliveries({ deliveryIds: byEndpoint.get(e)!.splice(0, 1), attempt: 0 })));

      const counting = process.env.BENCH_COUNT_SQL ? await countStatements() : undefined;
      const dbCpu = database.isPostgres ? await databaseCpu() : null;
      const writes0 = database.isPostgres ? await tableWrites() : null;
      // BENCH_PROFILE=<file.cpuprofile>: a CPU profile of this thread for the measured phase.
      const profiler = process.env.BENCH_PROFILE ? new (await import("node:inspector/promises")).Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      let done = 0;
      // Each endpoint's deliveries in batches of 100, one batch at a time per endpoint.
      await Promise.all(
        endpoints.map(async (e) => {
          const ids = byEndpoint.get(e)!;
          while (ids.length) {
            const outcomes = await attemptDeliveries({ deliveryIds: ids.splice(0, batch), attempt: 0 });
            done += outcomes.filter((o) => o.kind === "succeeded").length;
          }
        }),
      );
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      const dbMs = dbCpu ? await dbCpu() : null;
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        (await import("node:fs")).writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
        profiler.disconnect();
      }
      const statements = counting?.stop();
      worker.postMessage("count");
      const { n: received } = await next();
      console.log(`## attemptDeliveries alone: ${done} deliveries to ${endpointCount} endpoints in batches of ${batch}`);
      console.log(`  database: ${database.label}`);
      console.log(`  ${Math.round((done / ms) * 1000)} deliveries/s (${(ms / 1000).toFixed(1)} s); received ${received} (incl. ${endpointCount} warm-up)`);
      console.log(
        `  CPU of this process: ${((cpu.user + cpu.system) / 1000 / Math.max(1, done)).toFixed(3)} ms per delivery (incl. the receiver's thread); ` +
          `the app's event loop busy ${(elu.utilization * 100).toFixed(0)}% (${(elu.active / Math.max(1, done)).toFixed(3)} ms per delivery)`,
      );
      if (dbMs !== null) console.log(`  CPU of PostgreSQL's backends: ${(dbMs / Math.max(1, done)).toFixed(3)} ms per delivery`);
      if (writes0) await printTableWrites(writes0, done);
      if (statements) printStatements(statements, done);
    } finally {
      worker.postMessage("close");
      await Promise.race([next(), new Promise((r) => setTimeout(r, 2_000))]);
      await worker.terminate();
      if (database.sharedDatabase) await org.remove();
      void db;
    }
  } finally {
    await database.cleanup();
  }
});
