// Fairness between orgs (issue 18, finding 1): does one org whose receivers hang slow down
// another org's deliveries? Two orgs on the embedded executor (served in-process, as npm start
// does). The hostile org has 100 endpoints on a loopback receiver that holds every request past
// the endpoints' timeout; the normal org has one endpoint on a fast receiver. The normal org's
// events go at a steady pace, and the latency from ingestEvent (the commit and dispatch) to its
// receiver having the request is measured twice in the same run: with the hostile org idle, then
// with its events going to the hanging endpoints. Goal: the active p99 within 2× the idle p99.
// Each phase also reports this process's event-loop delay (p99, max): the hostile org's work
// shares the event loop and the database pool with the normal org's.
// Run: npm run bench:fairness. Loopback only; bounded in events and time.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { envInt, openDatabase, percentile, prepareDatabase, printTable, run, type Row } from "./harness";

// Both receivers in a worker thread (their own event loop, as customers' servers would be):
// /fast/* answers 200 at once and notes [seq, arrival]; /hang/* holds the request HANG ms.
const RECEIVERS = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const arrivals = [];
let hanging = 0, hangReceived = 0; const hangTimes = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    if (req.url === "/__stats") return res.end(JSON.stringify({ arrivals, hanging, hangReceived, hangTimes }));
    if (req.url.startsWith("/hang/")) {
      hanging++; hangReceived++; hangTimes.push(at);
      const t = setTimeout(() => { if (!res.destroyed) res.end("late"); }, workerData.hangMs);
      res.on("close", () => { hanging--; clearTimeout(t); });
      return;
    }
    let seq = -1;
    try { seq = JSON.parse(Buffer.concat(chunks).toString("utf8")).data?.seq ?? -1; } catch {}
    arrivals.push([seq, at]);
    res.end("ok");
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

type Stats = { arrivals: [number, number][]; hanging: number; hangReceived: number };

run(async () => {
  const database = await prepareDatabase("fairness");
  const hostileEndpoints = envInt("BENCH_HOSTILE_ENDPOINTS", 100);
  const hostileEvents = envInt("BENCH_HOSTILE_EVENTS", 4); // each: one delivery per hostile endpoint
  const timeoutSeconds = envInt("BENCH_HOSTILE_TIMEOUT", 10); // the hostile endpoints' timeout
  const paced = envInt("BENCH_PACED_EVENTS", 150); // per phase: longer than the hostile timeout, so it sees their timeouts and next sends
  const rate = envInt("BENCH_PACED_RATE", 10); // normal org's events per second
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 30);
  process.env.GATEHOUSE_RETRY_SCHEDULE ??= "10m"; // no retry of the hostile org's timeouts comes due during the run
  const worker = new Worker(RECEIVERS, { eval: true, workerData: { hangMs: (timeoutSeconds + 5) * 1000 } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const receiverUrl = `http://127.0.0.1:${port}`;
  const stats = async (): Promise<Stats> => (await fetch(`${receiverUrl}/__stats`)).json();
  try {
    await openDatabase(database);
    const { createBenchOrg } = await import("./fixtures");
    const { inngest } = await import("@/inngest/client");
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    const { startEngine } = await import("@/inngest/start-engine");
    const { serveFunctions, silentLogger } = await import("@/inngest/engine/testing");
    const { functions } = await import("@/inngest/index");
    const { ingestEvent } = await import("@/lib/events/ingest-event");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");

    const served = await serveFunctions(inngest, functions);
    const engine = await startEngine({ serveUrl: served.url, pollIntervalMs: 50, logger: silentLogger });
    const { serveFunctionsInProcess } = await import("@/start-up");
    await serveFunctionsInProcess(served.url);
    const hostile = await createBenchOrg("fairness-hostile");
    const normal = await createBenchOrg("fairness-normal");
    try {
      await engine.ready;
      registerDeliveryDispatcher();
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      for (let i = 0; i < hostileEndpoints; i++) {
        await createEndpoint({ orgId: hostile.orgId, environment: "test", name: `hang ${i + 1}`, url: `${receiverUrl}/hang/${i + 1}`, eventTypes: ["run.completed"], timeoutSeconds, fields: ENDPOINTS_FIELDS, ctx });
      }
      await createEndpoint({ orgId: normal.orgId, environment: "test", name: "fast", url: `${receiverUrl}/fast`, eventTypes: ["run.completed"], fields: ENDPOINTS_FIELDS, ctx });

      /** `count` events of the normal org at `rate`/s from seq `from`; the latency of each, event → receiver. */
      type Phase = { lat: number[]; sent: number; loopP99: number; loopMax: number };
      const pacedPhase = async (from: number, count: number): Promise<Phase> => {
        const started = new Map<number, number>();
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        const t0 = Date.now();
        const deadline = t0 + (count / rate) * 1000 + 5_000;
        for (let i = 0; i < count && Date.now() < deadline; i++) {
          const due = t0 + (i * 1000) / rate;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const seq = from + i;
          started.set(seq, Date.now());
          await ingestEvent({ orgId: normal.orgId, environment: "test", type: "run.completed", data: { seq } });
        }
        const until = Date.now() + drainSeconds * 1000;
        let got: [number, number][] = [];
        do {
          got = (await stats()).arrivals.filter(([s]) => started.has(s));
          if (got.length >= started.size) break;
          await new Promise((r) => setTimeout(r, 50));
        } while (Date.now() < until);
        loop.disable();
        if (process.env.BENCH_DEBUG) {
          const slow = got.filter(([s, at]) => at - started.get(s)! > 100).map(([s, at]) => `${s - from}@${started.get(s)! - t0}ms:${at - started.get(s)!}ms`);
          console.log(`  [debug] phase ${from}: slow ${slow.join(" ")}`);
        }
        return { lat: got.map(([s, at]) => at - started.get(s)!), sent: started.size, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 };
      };
      const row = (name: string, r: Phase): Row => ({
        name,
        rps: r.lat.length / Math.max(0.001, r.sent / rate),
        p50: percentile(r.lat, 50),
        p99: percentile(r.lat, 99),
        requests: r.lat.length,
        note: r.lat.length < r.sent ? `only ${r.lat.length} of ${r.sent} deliveries arrived within ${drainSeconds} s` : undefined,
      });

      await pacedPhase(1_000_000, 10); // warm-up
      const idle = await pacedPhase(0, paced);

      // The hostile org: its events fan out to the hanging endpoints; wait until its calls hang.
      for (let i = 0; i < hostileEvents; i++) await ingestEvent({ orgId: hostile.orgId, environment: "test", type: "run.completed", data: { hostile: i } });
      // Until its requests hang at the receiver and their number has settled (its runs have started).
      const waitUntil = Date.now() + 10_000;
      let s = await stats();
      for (let last = -1, stableSince = Date.now(); Date.now() < waitUntil; ) {
        await new Promise((r) => setTimeout(r, 100));
        s = await stats();
        if (s.hanging !== last) [last, stableSince] = [s.hanging, Date.now()];
        else if (s.hanging >= 25 && Date.now() - stableSince >= 1_000) break;
      }
      const hangingAtStart = s.hanging;
      const activeT0 = Date.now();
      const active = await pacedPhase(100_000, paced);
      if (process.env.BENCH_DEBUG) console.log(`  [debug] hostile arrivals (ms from active start): ${((await stats()) as Stats & { hangTimes: number[] }).hangTimes.map((t) => t - activeT0).join(" ")}`);
      s = await stats();
      const hostileDone = await import("@/lib/db/client").then(({ db }) => db.delivery.groupBy({ by: ["status"], where: { orgId: hostile.orgId }, _count: true }));

      const idleRow = row("normal org, hostile org idle", idle);
      const activeRow = row(`normal org, hostile org's ${hostileEndpoints} endpoints hanging`, active);
      printTable({
        title: `Fairness between orgs (${paced} paced events per phase at ${rate}/s)`,
        unit: "deliveries/s",
        lines: [
          `database: ${database.label}`,
          "in this process: the embedded Inngest executor (poll 50 ms) calling deliver-webhook in-process as npm start does;",
          "  receivers in a worker thread on 127.0.0.1: /fast answers 200 at once, /hang holds each request past its timeout",
          `hostile org: ${hostileEndpoints} endpoints (timeout ${timeoutSeconds} s), ${hostileEvents} events = ${hostileEndpoints * hostileEvents} deliveries that hang;`,
          `  normal org: 1 endpoint; latency from ingestEvent (commit + dispatch) to the receiver having the request`,
          `GATEHOUSE_ORG_CONCURRENCY=${process.env.GATEHOUSE_ORG_CONCURRENCY ?? "25 (default)"}; the executor runs ≤ 200 calls at once`,
        ],
        rows: [activeRow],
        baseline: idleRow,
      });
      const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : "-");
      // The same two phases by percentile, with the ratio of each (the table above has p50 and p99 only).
      const pcts = [50, 95, 99] as const;
      const ms = (n: number) => `${n.toFixed(0)} ms`;
      const lines = [
        ["", ...pcts.map((p) => `p${p}`), "max", "event-loop delay p99 / max"],
        ["hostile org idle", ...pcts.map((p) => ms(percentile(idle.lat, p))), ms(Math.max(...idle.lat)), `${ms(idle.loopP99)} / ${ms(idle.loopMax)}`],
        ["hostile org busy", ...pcts.map((p) => ms(percentile(active.lat, p))), ms(Math.max(...active.lat)), `${ms(active.loopP99)} / ${ms(active.loopMax)}`],
        ["busy ÷ idle", ...pcts.map((p) => ratio(percentile(active.lat, p), percentile(idle.lat, p))), ratio(Math.max(...active.lat), Math.max(...idle.lat)), ""],
      ];
      const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
      console.log("  normal org, event → receiver:");
      for (const l of lines) console.log(`    ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
      console.log(`  p50 busy ÷ idle: ${ratio(activeRow.p50, idleRow.p50)}; p95: ${ratio(percentile(active.lat, 95), percentile(idle.lat, 95))}; p99: ${ratio(activeRow.p99, idleRow.p99)} (goal: p99 within 2×)`);
      console.log(
        `  hostile requests hanging at the receiver when the active phase began: ${hangingAtStart}, at its end: ${s.hanging}; ` +
          `hostile requests received in all: ${s.hangReceived}; hostile deliveries by status: ${hostileDone.map((g) => `${g.status} ${g._count}`).join(", ")}`,
      );
    } finally {
      await engine.stop();
      await served.close();
      if (database.sharedDatabase) {
        await hostile.remove();
        await normal.remove();
      }
    }
  } finally {
    await worker.terminate();
    await database.cleanup();
  }
});
