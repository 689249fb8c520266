// Fairness between orgs (issue 18, finding 1): does one org whose receivers hang slow down
// another org's deliveries? Two orgs on the embedded executor (served in-process, as npm start
// does). The hostile org has 100 endpoints on a loopback receiver that holds every request past
// the endpoints' timeout; the normal org has one endpoint on a fast receiver. The normal org's
// events go at a steady pace, and the latency from ingestEvent (the commit and dispatch) to its
// receiver having the request is measured twice in the same run: with the hostile org idle, then
// with its events going to the hanging endpoints. Goal: the active p99 within 2× the idle p99.
// Each phase also reports this process's event-loop delay (p99, max): the hostile org's work
// shares the event loop and the database pool with the normal org's.
// Robust against a noisy machine: BENCH_ROUNDS rounds (default 3), each an idle phase then a busy
// one, so a slow spell of the machine falls on both sides alike; the verdict is the p99 of all
// samples of each side (BENCH_ROUNDS × BENCH_PACED_EVENTS), with each round's own ratio and their
// median beside it. Where the latency goes is split per delivery (the executor publishes each
// call's start, inngest/engine/run-worker.ts): ingest (commit + dispatch), waiting for the
// executor (a slot, a batch), and the call itself (load, claim, send) until the receiver has it.
// Run: npm run bench:fairness. Loopback only; bounded in events and time.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
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
  const paced = envInt("BENCH_PACED_EVENTS", 400); // per phase: longer than the hostile timeout, so it sees their timeouts and next sends
  const rate = envInt("BENCH_PACED_RATE", 20); // normal org's events per second
  const rounds = envInt("BENCH_ROUNDS", 3); // idle + busy phases, interleaved
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 30);
  process.env.GATEHOUSE_RETRY_SCHEDULE ??= "10m"; // no retry of the hostile org's timeouts comes due during the run
  const worker = new Worker(RECEIVERS, { eval: true, workerData: { hangMs: (timeoutSeconds + 5) * 1000 } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const receiverUrl = `http://127.0.0.1:${port}`;
  // A kept-alive socket the receiver closed as this request went out fails it: ask again (bounded).
  const stats = async (): Promise<Stats> => {
    for (let i = 0; ; i++) {
      try {
        return await (await fetch(`${receiverUrl}/__stats`)).json();
      } catch (err) {
        if (i >= 3) throw err;
      }
    }
  };
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
    // The serve handler's calls in flight: stopping the engine aborts its calls, but each one's
    // handler still records its attempts (the sends it cancelled); the database is closed only
    // after they have (else they fail on a closed pool: "Cannot use a pool after calling end").
    const { registerInProcess } = await import("@/inngest/engine/in-process");
    const { runtime } = await import("@/lib/runtime/runtime");
    const serve = runtime().executor.inProcess.get(served.url)!;
    const serving = new Set<Promise<Response>>();
    registerInProcess(served.url, (req) => {
      const p = serve(req);
      serving.add(p);
      const untrack = () => void serving.delete(p);
      p.then(untrack, untrack);
      return p;
    });
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

      // Each call's start as the executor makes it: the first call that carries a normal-org
      // delivery is when that delivery's wait for the executor (a slot, a batch) ended.
      const callStart = new Map<string, number>(); // deliveryId → first call start
      type Call = { events: { data?: { deliveryId?: string; orgId?: string } }[]; at: number };
      const hostileStarts: number[] = []; // BENCH_DEBUG: when the hostile org's calls started
      const onCall = (m: unknown) => {
        const c = m as Call;
        if (c.events?.[0]?.data?.orgId === hostile.orgId) hostileStarts.push(c.at);
        for (const e of c.events ?? []) {
          const id = e.data?.deliveryId;
          if (id && e.data?.orgId === normal.orgId && !callStart.has(id)) callStart.set(id, c.at);
        }
      };
      const { CALL_STARTED } = await import("@/inngest/engine/run-worker");
      subscribe(CALL_STARTED, onCall);
      const { sql } = await import("@/lib/db/sql");

      /** One normal-org delivery: when its event went in, when ingest returned, its call began, the receiver had it. */
      type Sample = { ingest: number; wait: number; call: number; total: number };
      type Phase = { samples: Sample[]; sent: number; loopP99: number; loopMax: number; poolWaitP99: number; poolWaitMax: number };
      // Queries waiting for one of the pool's connections (PostgreSQL), sampled every 10 ms.
      const driver = await import("@/lib/db/driver").then((m) => m.getDriver());
      const poolWaiting = () => (driver.kind === "pg" ? driver.pool.waitingCount : 0);
      // BENCH_DEBUG_POOL: which statements went to the pool while others already waited for a connection.
      const crowded = new Map<string, number>();
      if (process.env.BENCH_DEBUG_POOL && driver.kind === "pg") {
        const pool = driver.pool as unknown as { query: (...a: unknown[]) => unknown; connect: (...a: unknown[]) => unknown; waitingCount: number };
        const [q, c] = [pool.query.bind(pool), pool.connect.bind(pool)];
        const note = (k: string) => pool.waitingCount >= 3 && crowded.set(k, (crowded.get(k) ?? 0) + 1);
        let inQuery = false; // pool.query takes its connection through pool.connect: counted once
        pool.query = (...a: unknown[]) => {
          const t = a[0] as string | { text?: string; name?: string };
          note(typeof t === "string" ? t.replace(/\s+/g, " ").slice(0, 60) : (t.name ?? t.text?.replace(/\s+/g, " ").slice(0, 60) ?? "?"));
          inQuery = true;
          try {
            return q(...a);
          } finally {
            inQuery = false;
          }
        };
        pool.connect = (...a: unknown[]) => {
          if (!inQuery) note(`connect (a transaction): ${new Error().stack?.split("\n").slice(2, 5).map((l) => l.trim().replace(/^at /, "").replace(/\(.*\/(.*)\)/, "$1")).join(" < ")}`);
          return c(...a);
        };
      }
      /** `count` events of the normal org at `rate`/s from seq `from`; the latency of each, event → receiver, split. */
      const pacedPhase = async (from: number, count: number): Promise<Phase> => {
        const started = new Map<number, { t0: number; t1: number }>();
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        const waits: number[] = [];
        const sampler = setInterval(() => waits.push(poolWaiting()), 10);
        const t0 = Date.now();
        // Open loop, as independent clients post: each event goes at its due time whether or not
        // the ones before it have been accepted (a slow ingest must not thin out or delay the
        // samples), and its latency counts from that due time.
        const posts: Promise<void>[] = [];
        for (let i = 0; i < count; i++) {
          const due = t0 + (i * 1000) / rate;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const seq = from + i;
          posts.push(
            ingestEvent({ orgId: normal.orgId, environment: "test", type: "run.completed", data: { seq } }).then(
              () => void started.set(seq, { t0: due, t1: Date.now() }),
              (err) => console.error(`  event ${seq} refused: ${(err as Error).message}`),
            ),
          );
        }
        await Promise.all(posts);
        const until = Date.now() + drainSeconds * 1000;
        let got: [number, number][] = [];
        let repeats = 0;
        do {
          // The first arrival of each (a repeat would be a duplicate send: counted, not timed).
          const all = (await stats()).arrivals.filter(([s]) => started.has(s));
          const first = new Map<number, number>();
          for (const [s, at] of all) if (!first.has(s)) first.set(s, at);
          got = [...first];
          repeats = all.length - got.length;
          if (got.length >= started.size) break;
          await new Promise((r) => setTimeout(r, 50));
        } while (Date.now() < until);
        loop.disable();
        clearInterval(sampler);
        const rows = await sql<{ id: string; seq: number }>(
          `SELECT d."id", (ev."payload"->>'seq')::int AS "seq" FROM "Delivery" d JOIN "Event" ev ON ev."id" = d."eventId"
           WHERE d."orgId" = $1 AND (ev."payload"->>'seq')::int >= $2 AND (ev."payload"->>'seq')::int < $3`,
          [normal.orgId, from, from + count],
        );
        const deliveryOf = new Map(rows.map((r) => [Number(r.seq), r.id]));
        const samples = got.map(([s, arrived]) => {
          const { t0: a, t1: b } = started.get(s)!;
          const c = callStart.get(deliveryOf.get(s) ?? "") ?? arrived; // none seen: all of it counts as waiting
          return { ingest: b - a, wait: Math.max(0, c - b), call: arrived - Math.max(b, c), total: arrived - a };
        });
        if (repeats) console.log(`  phase ${from}: ${repeats} deliveries reached the receiver more than once`);
        if (got.length < started.size) {
          const arrived = new Set(got.map(([s]) => s));
          const missing = [...started.keys()].filter((s) => !arrived.has(s)).map((s) => deliveryOf.get(s) ?? "");
          const why = await sql<{ status: string; attempts: number; error: string | null; n: number }>(
            `SELECT d."status"::text AS "status", d."attempts", (SELECT a."error" FROM "DeliveryAttempt" a WHERE a."deliveryId" = d."id" ORDER BY a."number" DESC LIMIT 1) AS "error", count(*)::int AS "n"
               FROM "Delivery" d WHERE d."id" = ANY($1::text[]) GROUP BY 1, 2, 3`,
            [missing],
          );
          console.log(`  phase ${from}: ${started.size - got.length} of ${started.size} deliveries not at the receiver after ${drainSeconds} s: ${why.map((w) => `${w.n} ${w.status} (attempts ${w.attempts}${w.error ? `, ${w.error}` : ""})`).join("; ")}`);
        }
        if (process.env.BENCH_DEBUG) {
          // The slowest 2% with their parts, and how long after the latest hostile call start
          // (the hostile org's calls start right as its previous ones time out) each one's event was due.
          const cut = percentile(samples.map((x) => x.total), 98);
          const slow = samples.map((x, i) => [got[i]![0], x] as const).filter(([, x]) => x.total >= cut);
          const since = (seq: number) => {
            const due = started.get(seq)!.t0;
            const before = hostileStarts.filter((t) => t <= due + 100);
            return before.length ? `${due - before[before.length - 1]!}` : "-";
          };
          console.log(`  [debug] phase ${from}: slowest 2% (seq: total = ingest/wait/call ms, due − latest hostile call start) ${slow.map(([seq, x]) => `${seq - from}: ${x.total} = ${x.ingest}/${x.wait}/${x.call} (${since(seq)})`).join("; ")}`);
          const inPhase = hostileStarts.filter((t) => t >= t0 && t <= Date.now());
          const bursts: [number, number, number][] = []; // first, count, last
          for (const t of inPhase) {
            const last = bursts[bursts.length - 1];
            if (last && t - last[2] < 1_000) [last[1], last[2]] = [last[1] + 1, t];
            else bursts.push([t, 1, t]);
          }
          console.log(`  [debug] phase ${from}: hostile call starts (ms into the phase: count over ms): ${bursts.map(([t, n, e]) => `${t - t0}: ${n} over ${e - t}`).join(", ")}`);
        }
        return { samples, sent: count, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, poolWaitP99: percentile(waits, 99), poolWaitMax: Math.max(0, ...waits) };
      };
      const totals = (ps: Phase[]) => ps.flatMap((p) => p.samples.map((x) => x.total));
      const row = (name: string, ps: Phase[]): Row => {
        const lat = totals(ps);
        const sent = ps.reduce((n, p) => n + p.sent, 0);
        return {
          name,
          rps: lat.length / Math.max(0.001, sent / rate),
          p50: percentile(lat, 50),
          p99: percentile(lat, 99),
          requests: lat.length,
          note: lat.length < sent ? `only ${lat.length} of ${sent} deliveries arrived within ${drainSeconds} s of their phase` : undefined,
        };
      };

      /** Waits (bounded) until the hostile org has nothing hanging and no run due within a minute: idle. */
      const hostileQuiet = async (): Promise<boolean> => {
        const until = Date.now() + 120_000;
        while (Date.now() < until) {
          const [{ n }] = await sql<{ n: number }>(
            `SELECT count(*)::int AS "n" FROM "EngineRun" WHERE "status" IN ('queued', 'running') AND "event"->'data'->>'orgId' = $1
               AND ("nextAt" <= $2::timestamp OR "leaseOwner" IS NOT NULL)`,
            [hostile.orgId, new Date(Date.now() + 60_000).toISOString()],
          );
          if (n === 0 && (await stats()).hanging === 0) return true;
          await new Promise((r) => setTimeout(r, 250));
        }
        return false;
      };
      /** Sends the hostile org's events and waits until its requests hang at the receiver and their number has settled. */
      const hostileBusy = async (round: number): Promise<number> => {
        for (let i = 0; i < hostileEvents; i++) await ingestEvent({ orgId: hostile.orgId, environment: "test", type: "run.completed", data: { hostile: i, round } });
        const waitUntil = Date.now() + 10_000;
        let s = await stats();
        for (let last = -1, stableSince = Date.now(); Date.now() < waitUntil; ) {
          await new Promise((r) => setTimeout(r, 100));
          s = await stats();
          if (s.hanging !== last) [last, stableSince] = [s.hanging, Date.now()];
          else if (s.hanging >= 25 && Date.now() - stableSince >= 1_000) break;
        }
        return s.hanging;
      };

      /** BENCH_CPU_PROFILE=<file prefix>: a CPU profile of this process during each phase (<prefix>-<phase>.cpuprofile). */
      const profiled = async <T>(name: string, phase: () => Promise<T>): Promise<T> => {
        const prefix = process.env.BENCH_CPU_PROFILE;
        if (!prefix) return phase();
        const session = new Session();
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 500 });
        await session.post("Profiler.start");
        try {
          return await phase();
        } finally {
          const { profile } = await session.post("Profiler.stop");
          writeFileSync(`${prefix}-${name}.cpuprofile`, JSON.stringify(profile));
          session.disconnect();
        }
      };
      await pacedPhase(900_000_000, 10); // warm-up (seqs no round uses)
      const idle: Phase[] = [];
      const active: Phase[] = [];
      const notes: string[] = [];
      for (let r = 0; r < rounds; r++) {
        if (r > 0 && !(await hostileQuiet())) notes.push(`round ${r + 1}: the hostile org was not idle within 120 s`);
        idle.push(await profiled(`idle-${r + 1}`, () => pacedPhase(r * 1_000_000 + 0, paced)));
        const hangingAtStart = await hostileBusy(r);
        active.push(await profiled(`busy-${r + 1}`, () => pacedPhase(r * 1_000_000 + 100_000, paced)));
        const s = await stats();
        notes.push(`round ${r + 1}: hostile requests hanging when the busy phase began: ${hangingAtStart}, at its end: ${s.hanging}`);
      }
      unsubscribe(CALL_STARTED, onCall);
      const s = await stats();
      const hostileDone = await import("@/lib/db/client").then(({ db }) => db.delivery.groupBy({ by: ["status"], where: { orgId: hostile.orgId }, _count: true }));

      const idleRow = row("normal org, hostile org idle", idle);
      const activeRow = row(`normal org, hostile org's ${hostileEndpoints} endpoints hanging`, active);
      printTable({
        title: `Fairness between orgs (${rounds} rounds × ${paced} paced events per phase at ${rate}/s)`,
        unit: "deliveries/s",
        lines: [
          `database: ${database.label}`,
          "in this process: the embedded Inngest executor (poll 50 ms) calling deliver-webhook in-process as npm start does;",
          "  receivers in a worker thread on 127.0.0.1: /fast answers 200 at once, /hang holds each request past its timeout",
          `hostile org: ${hostileEndpoints} endpoints (timeout ${timeoutSeconds} s), ${hostileEvents} events a round = ${hostileEndpoints * hostileEvents} deliveries that hang;`,
          `  normal org: 1 endpoint, events posted open-loop; latency from each event's due time to the receiver having its request`,
          `GATEHOUSE_ORG_CONCURRENCY=${process.env.GATEHOUSE_ORG_CONCURRENCY ?? "25 (default)"}; the executor runs ≤ 200 calls at once`,
        ],
        rows: [activeRow],
        baseline: idleRow,
      });
      const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : "-");
      const ms = (n: number) => `${n.toFixed(0)} ms`;
      const table = (lines: string[][]) => {
        const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
        for (const l of lines) console.log(`    ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
      };
      /** The worst round's figures of a phase kind. */
      const worst = (ps: Phase[], a: "loopP99" | "poolWaitP99", b: "loopMax" | "poolWaitMax", f: (n: number) => string) =>
        `${f(Math.max(...ps.map((p) => p[a])))} / ${f(Math.max(...ps.map((p) => p[b])))}`;
      // The same two sides by percentile, with the ratio of each (the table above has p50 and p99 only).
      const pcts = [50, 95, 99] as const;
      const [il, al] = [totals(idle), totals(active)];
      console.log(`  normal org, event → receiver, all ${rounds} rounds (the last two columns: the worst round; the pool has 10 connections):`);
      table([
        ["", ...pcts.map((p) => `p${p}`), "max", "event-loop delay p99 / max", "queries waiting for a connection p99 / max"],
        ["hostile org idle", ...pcts.map((p) => ms(percentile(il, p))), ms(Math.max(...il)), worst(idle, "loopP99", "loopMax", ms), worst(idle, "poolWaitP99", "poolWaitMax", String)],
        ["hostile org busy", ...pcts.map((p) => ms(percentile(al, p))), ms(Math.max(...al)), worst(active, "loopP99", "loopMax", ms), worst(active, "poolWaitP99", "poolWaitMax", String)],
        ["busy ÷ idle", ...pcts.map((p) => ratio(percentile(al, p), percentile(il, p))), ratio(Math.max(...al), Math.max(...il)), "", ""],
      ]);
      // Where the time goes: each part's p50 / p99 over all samples, and the parts of the slowest 1%.
      const parts = ["ingest", "wait", "call"] as const;
      const split = (ps: Phase[]) => {
        const all = ps.flatMap((p) => p.samples);
        const cut = percentile(all.map((x) => x.total), 99);
        const tail = all.filter((x) => x.total >= cut);
        const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
        return parts.map((k) => `${ms(percentile(all.map((x) => x[k]), 50))} / ${ms(percentile(all.map((x) => x[k]), 99))} / ${ms(mean(tail.map((x) => x[k])))}`);
      };
      console.log("  where it goes (p50 / p99 / mean within the slowest 1%): ingest = commit + dispatch; wait = until the executor's call");
      console.log("  that carries it starts (a slot, a batch); call = from then until the receiver has it (load, claim, sign, send):");
      table([["", ...parts], ["hostile org idle", ...split(idle)], ["hostile org busy", ...split(active)]]);
      const perRound = idle.map((p, i) => percentile(active[i]!.samples.map((x) => x.total), 99) / percentile(p.samples.map((x) => x.total), 99));
      const median = [...perRound].sort((a, b) => a - b)[Math.floor(perRound.length / 2)]!;
      console.log(
        `  p99 busy ÷ idle, each round: ${idle.map((p, i) => `${ms(percentile(p.samples.map((x) => x.total), 99))} → ${ms(percentile(active[i]!.samples.map((x) => x.total), 99))} (${perRound[i]!.toFixed(2)}×)`).join("; ")}; median ${median.toFixed(2)}×`,
      );
      console.log(`  p50 busy ÷ idle: ${ratio(activeRow.p50, idleRow.p50)}; p95: ${ratio(percentile(al, 95), percentile(il, 95))}; p99: ${ratio(activeRow.p99, idleRow.p99)} (goal: p99 within 2×)`);
      for (const n of notes) console.log(`  ${n}`);
      if (crowded.size) console.log(`  statements sent while >= 3 waited for a connection:\n${[...crowded].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, n]) => `    ${n}  ${k}`).join("\n")}`);
      console.log(`  hostile requests received in all: ${s.hangReceived}; hostile deliveries by status: ${hostileDone.map((g) => `${g.status} ${g._count}`).join(", ")}`);
    } finally {
      await engine.stop();
      await Promise.race([Promise.allSettled([...serving]), new Promise((r) => setTimeout(r, 30_000).unref())]);
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
