// Issue 5, "Memory stays flat while 100,000 deliveries wait in retry": this process's memory
// (heapUsed after a forced GC, RSS) while a steady trickle of fresh events goes the real way
// (ingestEvent → the delivery dispatcher → the embedded executor → deliver-webhook → a receiver
// on 127.0.0.1), first with nothing waiting, then with N deliveries waiting in retry.
//
// The waiting deliveries are the state one real failed first attempt leaves behind, copied N
// times by SQL in bounded batches: one delivery is sent to an endpoint that answers 500, and once
// the executor has saved its retry, its rows (Event, Delivery pending with attempts 1 and
// nextAttemptAt ahead, its DeliveryAttempt, the Inngest event, the EngineRun running with one
// call item at attempt 1 due at nextAt) are the template. Copying real rows rather than
// spelling out their columns keeps the bench true to whatever shape the executor stores.
// Run: npm run bench:waiting (PGlite) or DATABASE_URL=postgres://… npm run bench:waiting
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { envInt, openDatabase, percentile, prepareDatabase, run } from "./harness";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const MB = 1024 * 1024;

/** global.gc when node ran with --expose-gc; otherwise switched on at run time (npm run bench spawns plain node). */
function gcFunction(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}

interface Sample {
  heapUsed: number;
  rss: number;
  /** PGlite's WebAssembly memory (Postgres itself, inside this process); 0 on PostgreSQL. */
  wasm: number;
}

interface Phase {
  key: string;
  name: string;
  sent: number;
  rejected: number;
  sentAt: Map<string, number>;
  received: number;
  latencies: number[];
  /** How long ingestEvent took (store + hand-off to the executor), ms. */
  ingestMs: number[];
  /** Event-loop delay during the phase, p50/p99/max ms. */
  loopDelay: { p50: number; p99: number; max: number };
  failingCalls: number;
  /** Calls to the failing endpoint for deliveries other than the template: the copies must not be called. */
  copiesCalled: number;
  samples: Sample[];
  /** From the first event to the last one sent. */
  sendSeconds: number;
}

const newPhase = (key: string, name: string): Phase => ({
  key,
  name,
  sent: 0,
  rejected: 0,
  sentAt: new Map(),
  received: 0,
  latencies: [],
  ingestMs: [],
  loopDelay: { p50: NaN, p99: NaN, max: NaN },
  failingCalls: 0,
  copiesCalled: 0,
  samples: [],
  sendSeconds: 0,
});

/**
 * The receiver: counts, keeps nothing per request (its own memory must not grow with traffic).
 * /ok answers 200 and matches the trickle's run_id to when it was sent; /failing answers 500.
 */
async function startCountingReceiver(state: { phase?: Phase; templateDeliveryId?: string }) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const phase = state.phase;
      if (req.url?.startsWith("/failing")) {
        if (phase) {
          phase.failingCalls++;
          if (req.headers["webhook-id"] !== state.templateDeliveryId) phase.copiesCalled++;
        }
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end("down for the benchmark");
      }
      if (phase) {
        try {
          const runId = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: { run_id?: string } }).data?.run_id;
          const sentAt = runId ? phase.sentAt.get(runId) : undefined;
          if (sentAt !== undefined) {
            phase.sentAt.delete(runId!); // a retry of the same delivery counts once
            phase.received++;
            phase.latencies.push(Date.now() - sentAt);
          }
        } catch {
          // not a trickle delivery
        }
      }
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The SDK logs each failed step as two console.error calls ("Inngest step error", then the
 * error). The failing endpoint's attempts are expected here: counted, not printed.
 */
function quietStepErrors(): { count: number } {
  const counter = { count: 0 };
  const original = console.error.bind(console);
  let dropNextError = false;
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && args[0] === "Inngest step error") {
      counter.count++;
      dropNextError = true;
      return;
    }
    if (dropNextError && args.length === 1 && args[0] instanceof Error) {
      dropNextError = false;
      return;
    }
    dropNextError = false;
    original(...args);
  };
  return counter;
}

run(async () => {
  // Its Inngest events and runs hang off no organization: only a throwaway database takes them.
  if (process.env.BENCH_PG_REUSE === "1") throw new Error("bench/waiting-deliveries.ts needs a throwaway database; unset BENCH_PG_REUSE");
  const database = await prepareDatabase("waiting");
  const waiting = envInt("BENCH_WAITING", 100_000);
  const batchSize = Math.min(envInt("BENCH_BATCH", 5_000), 5_000);
  // Trickle events per second: 10 stays under what the whole path delivers on the shared 2-core
  // machine (20 already queues up there, in both phases), so latencies compare like for like.
  const rate = envInt("BENCH_RATE", 10);
  const seconds = envInt("BENCH_SECONDS", 15); // each measured phase
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 10); // then wait at most this for the trickle's receipts
  const pollMs = envInt("BENCH_POLL_MS", 250); // the executor's default poll
  // BENCH_GC=0: no forced GC before each sample (it costs this process's event loop some ms).
  const gc = process.env.BENCH_GC === "0" ? undefined : gcFunction();
  const stepErrors = quietStepErrors();
  try {
    await openDatabase(database);
    const { sql } = await import("@/lib/db/sql");
    const { getDriver } = await import("@/lib/db/driver");
    const { createBenchOrg } = await import("./fixtures");
    const { inngest } = await import("@/inngest/client");
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    const { startEngine } = await import("@/inngest/start-engine");
    const { serveFunctions, waitFor } = await import("@/inngest/engine/testing");
    const { ulid } = await import("@/inngest/engine/ulid");
    const { functions } = await import("@/inngest/index");
    const { ingestEvent } = await import("@/lib/events/ingest-event");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const { newDeliveryId, newEventId } = await import("@/lib/webhooks/ids");

    const driver = await getDriver();
    const wasmBytes = (): number =>
      driver.kind === "pglite" ? ((driver.pglite as unknown as { Module?: { wasmMemory?: WebAssembly.Memory } }).Module?.wasmMemory?.buffer.byteLength ?? 0) : 0;
    const gcMs: number[] = [];
    const sample = (): Sample => {
      const started = performance.now();
      if (gc) {
        gc();
        gcMs.push(performance.now() - started);
      }
      const m = process.memoryUsage();
      return { heapUsed: m.heapUsed, rss: m.rss, wasm: wasmBytes() };
    };

    const engineLog = { warnings: 0, errors: 0, first: "" };
    const logger = {
      info() {},
      warn(...args: unknown[]) {
        engineLog.warnings++;
        engineLog.first ||= args.map(String).join(" ").slice(0, 300);
      },
      error(...args: unknown[]) {
        engineLog.errors++;
        engineLog.first ||= args.map(String).join(" ").slice(0, 300);
      },
    };

    const state: { phase?: Phase; templateDeliveryId?: string } = {};
    const receiver = await startCountingReceiver(state);
    const served = await serveFunctions(inngest, functions);
    const engine = await startEngine({ serveUrl: served.url, pollIntervalMs: pollMs, logger });
    const org = await createBenchOrg("waiting");
    try {
      await engine.ready;
      registerDeliveryDispatcher();
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      // The trickle goes to a healthy endpoint; the waiting deliveries belong to one that is down.
      // Different event types, so the trickle's events never fan out to the failing endpoint.
      await createEndpoint({ orgId: org.orgId, environment: "test", name: "healthy", url: `${receiver.url}/ok`, eventTypes: ["run.completed"], headers: {}, fields: ENDPOINTS_FIELDS, ctx });
      const failing = await createEndpoint({ orgId: org.orgId, environment: "test", name: "down", url: `${receiver.url}/failing`, eventTypes: ["run.failed"], headers: {}, fields: ENDPOINTS_FIELDS, ctx });
      const failingId = failing.endpoint.id;

      const sendTrickle = async (runId: string) => {
        await ingestEvent({ orgId: org.orgId, environment: "test", type: "run.completed", data: { run_id: runId, duration_ms: 1 } });
      };

      /** One measured phase: `rate` events/s for `seconds` s, a memory sample every second, then the drain. */
      const measure = async (phase: Phase) => {
        state.phase = phase;
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        const t0 = Date.now();
        const total = rate * seconds;
        const inFlight = new Set<Promise<void>>();
        const trickle = (async () => {
          for (let i = 0; i < total; i++) {
            await sleep(t0 + (i * 1000) / rate - Date.now());
            if (Date.now() > t0 + (seconds + 2) * 1000) break; // fell behind: bounded in time too
            if (inFlight.size >= 100) await Promise.race(inFlight);
            const runId = `${phase.key}-${i}`;
            phase.sentAt.set(runId, Date.now());
            phase.sent++;
            const started = Date.now();
            const p: Promise<void> = sendTrickle(runId)
              .then(() => void phase.ingestMs.push(Date.now() - started))
              .catch(() => {
                phase.rejected++;
                phase.sentAt.delete(runId);
              })
              .finally(() => inFlight.delete(p));
            inFlight.add(p);
          }
          phase.sendSeconds = (Date.now() - t0) / 1000;
          await Promise.race([Promise.allSettled(inFlight), sleep(10_000)]);
        })();
        const sampler = (async () => {
          for (let s = 1; s <= seconds; s++) {
            await sleep(t0 + s * 1000 - Date.now());
            phase.samples.push(sample());
          }
        })();
        await Promise.all([trickle, sampler]);
        delay.disable();
        phase.loopDelay = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
        const until = Date.now() + drainSeconds * 1000;
        while (phase.received < phase.sent - phase.rejected && Date.now() < until) await sleep(50);
      };

      // Warm-up: JIT, connections, the first sync; none of it measured.
      const warm = newPhase("warm", "warm-up");
      state.phase = warm;
      for (let i = 0; i < 10; i++) {
        warm.sentAt.set(`warm-${i}`, Date.now());
        warm.sent++;
        await sendTrickle(`warm-${i}`);
      }
      await waitFor(async () => warm.received >= warm.sent, 60_000, "the warm-up deliveries");

      // The template: one real first attempt against the failing endpoint, and the retry the executor saved.
      const tplEvent = await ingestEvent({ orgId: org.orgId, environment: "test", type: "run.failed", data: { run_id: "waiting-template", error: "x" } });
      const tplDeliveryId = tplEvent.pendingDeliveryIds[0];
      if (!tplDeliveryId) throw new Error("the template event made no pending delivery");
      state.templateDeliveryId = tplDeliveryId;
      // The five rows as one consistent snapshot, taken once: the template itself is retried later
      // (30 s, then 2 min) and must not change what the copies look like.
      type Row = Record<string, unknown>;
      type Template = { event: Row; delivery: Row; attempt: Row; engineEvent: Row; run: Row };
      const tpl = await waitFor(async () => {
        const [t] = await sql<Template>(
          `SELECT to_jsonb(e) AS "event", to_jsonb(d) AS "delivery", to_jsonb(a) AS "attempt", to_jsonb(ee) AS "engineEvent", to_jsonb(r) AS "run"
             FROM "Delivery" d
             JOIN "Event" e ON e."id" = d."eventId"
             JOIN "DeliveryAttempt" a ON a."deliveryId" = d."id" AND a."number" = 1
             JOIN "EngineRun" r ON r."event"->'data'->>'deliveryId' = d."id"
             JOIN "EngineEvent" ee ON ee."id" = r."eventId"
            WHERE d."id" = $1 AND d."status" = 'pending' AND d."attempts" = 1 AND d."nextAttemptAt" IS NOT NULL
              AND r."status" = 'running' AND r."leaseOwner" IS NULL
              AND jsonb_array_length(r."queue") = 1 AND (r."queue"->0->>'attempt')::int = 1`,
          [tplDeliveryId],
        );
        return t;
      }, 60_000, "the template delivery's first attempt and saved retry");
      const tplCalls = Number(tpl.run.calls);
      const tplJson = {
        event: JSON.stringify(tpl.event),
        delivery: JSON.stringify(tpl.delivery),
        attempt: JSON.stringify(tpl.attempt),
        engineEvent: JSON.stringify(tpl.engineEvent),
        run: JSON.stringify(tpl.run),
      };

      // Baseline: nothing waiting (just the template).
      const base = newPhase("base", "nothing waiting (baseline)");
      await measure(base);

      // N copies of the template, in batches of ≤ 5,000, each due 30–90 minutes from now (spread
      // like real failures), so none comes due while this bench runs.
      const insertStarted = Date.now();
      const dueFrom = Date.now() + 30 * 60_000;
      const spreadMs = 60 * 60_000;
      for (let done = 0; done < waiting; done += batchSize) {
        const n = Math.min(batchSize, waiting - done);
        const eventIds: string[] = [];
        const deliveryIds: string[] = [];
        const attemptIds: string[] = [];
        const engineEventIds: string[] = [];
        const runIds: string[] = [];
        const atMs: number[] = [];
        const seqs: number[] = [];
        for (let i = 0; i < n; i++) {
          eventIds.push(newEventId());
          deliveryIds.push(newDeliveryId());
          attemptIds.push(`c${randomUUID().replace(/-/g, "")}`);
          engineEventIds.push(ulid());
          runIds.push(ulid());
          atMs.push(dueFrom + Math.floor(((done + i) * spreadMs) / waiting));
          seqs.push(done + i);
        }
        // Each copy is the template row with a few fields overridden, through jsonb_populate_record,
        // so every column (including any the executor adds later) keeps the value the real path
        // stored. The delivery id also sits inside the Inngest event (its id and data), the run's
        // event and the attempt's headers: the template's is swapped for the copy's in the row's
        // JSON text. Timestamps are UTC `timestamp(3)` values (see lib/db/sql.ts).
        const at = `to_jsonb((to_timestamp(k."at" / 1000.0) AT TIME ZONE 'UTC')::timestamp(3))`;
        // (LATERAL: `SELECT (f()).*` would call f once per column.)
        const copy = (table: string, keys: string, row: string, overrides: string) =>
          `INSERT INTO "${table}" SELECT r.* FROM ${keys}, LATERAL jsonb_populate_record(NULL::"${table}", ${row} || jsonb_build_object(${overrides})) AS r`;
        const swapped = (n: number) => `replace($${n}::text, $2::text, k."deliveryId")::jsonb`;
        await sql(
          copy("Event", `unnest($1::text[], $3::int[]) AS k("id", "seq")`, "$2::jsonb",
            `'id', k."id", 'idempotencyKey', NULL, 'payload', jsonb_set(($2::jsonb)->'payload', '{run_id}', to_jsonb('waiting-' || k."seq"))`),
          [eventIds, tplJson.event, seqs],
        );
        await sql(
          copy("Delivery", `unnest($1::text[], $3::text[], $4::float8[]) AS k("deliveryId", "eventId", "at")`, "$2::jsonb",
            `'id', k."deliveryId", 'eventId', k."eventId", 'nextAttemptAt', ${at}`),
          [deliveryIds, tplJson.delivery, eventIds, atMs],
        );
        await sql(
          copy("DeliveryAttempt", `unnest($1::text[], $4::text[]) AS k("deliveryId", "id")`, swapped(3), `'id', k."id"`),
          [deliveryIds, tplDeliveryId, tplJson.attempt, attemptIds],
        );
        await sql(
          copy("EngineEvent", `unnest($1::text[], $4::text[]) AS k("deliveryId", "id")`, swapped(3), `'id', k."id"`),
          [deliveryIds, tplDeliveryId, tplJson.engineEvent, engineEventIds],
        );
        // The run waits for its retry: its queue's one item and nextAt say when.
        await sql(
          copy(
            "EngineRun",
            `unnest($1::text[], $4::text[], $5::text[], $6::float8[]) AS k("deliveryId", "id", "eventId", "at")`,
            swapped(3),
            `'id', k."id", 'eventId', k."eventId", 'nextAt', ${at},
             'queue', (SELECT jsonb_agg(jsonb_set(q, '{at}', to_jsonb(k."at"::bigint))) FROM jsonb_array_elements(($3::jsonb)->'queue') AS q)`,
          ),
          [deliveryIds, tplDeliveryId, tplJson.run, runIds, engineEventIds, atMs],
        );
      }
      const insertSeconds = (Date.now() - insertStarted) / 1000;

      type Counts = { deliveries: number; attempts: number; engineEvents: number; runs: number; runsCalled: number };
      const countWaiting = async (): Promise<Counts> => {
        const [c] = await sql<Counts>(
          `SELECT
             (SELECT count(*)::int FROM "Delivery" WHERE "endpointId" = $1 AND "id" <> $2 AND "status" = 'pending' AND "attempts" = 1
                AND "nextAttemptAt" > (now() AT TIME ZONE 'UTC')) AS "deliveries",
             (SELECT count(*)::int FROM "DeliveryAttempt" a JOIN "Delivery" d ON d."id" = a."deliveryId"
               WHERE d."endpointId" = $1 AND d."id" <> $2) AS "attempts",
             (SELECT count(*)::int FROM "EngineEvent" WHERE "payload"->'data'->>'endpointId' = $1
                AND "payload"->'data'->>'deliveryId' <> $2 AND "matchedAt" IS NOT NULL) AS "engineEvents",
             (SELECT count(*)::int FROM "EngineRun" WHERE "event"->'data'->>'endpointId' = $1 AND "event"->'data'->>'deliveryId' <> $2
                AND "status" = 'running' AND "leaseOwner" IS NULL AND "nextAt" > (now() AT TIME ZONE 'UTC')
                AND (("queue"->0->>'attempt')::int) = 1) AS "runs",
             (SELECT count(*)::int FROM "EngineRun" WHERE "event"->'data'->>'endpointId' = $1 AND "event"->'data'->>'deliveryId' <> $2
                AND "calls" <> $3) AS "runsCalled"`,
          [failingId, tplDeliveryId, tplCalls],
        );
        return c!;
      };
      const before = await countWaiting();
      if (before.deliveries !== waiting || before.runs !== waiting || before.engineEvents !== waiting || before.attempts !== waiting) {
        throw new Error(`expected ${waiting} waiting deliveries, runs, events and attempts; found ${JSON.stringify(before)}`);
      }
      // Rows that arrive over time are vacuumed and analyzed by PostgreSQL's autovacuum as they come;
      // after a bulk insert it would only start a minute later, in the middle of the second phase
      // (and until it has analyzed, the planner guesses: see bench/README.md). So it is done here,
      // before measuring. PGlite runs no autovacuum: there the tables stay as inserted, as they
      // would in a real deployment.
      const analyze = process.env.BENCH_ANALYZE ? process.env.BENCH_ANALYZE === "1" : database.isPostgres;
      if (analyze) await sql(`VACUUM (ANALYZE) "Event", "Delivery", "DeliveryAttempt", "EngineEvent", "EngineRun"`);
      const afterInsert = sample();

      const loaded = newPhase("loaded", `${waiting.toLocaleString("en-US")} waiting in retry`);
      const loadedFrom = new Date();
      await measure(loaded);
      state.phase = undefined;
      const after = await countWaiting();
      // PostgreSQL's autovacuum works through the new rows in the background, and may do so while
      // the second phase is measured: say so beside its figures.
      let autovacuum = "";
      if (database.isPostgres) {
        const rows = await sql<{ relname: string; vacuumed: Date | null }>(
          `SELECT relname, last_autovacuum AS "vacuumed" FROM pg_stat_user_tables
            WHERE relname IN ('Event', 'Delivery', 'DeliveryAttempt', 'EngineEvent', 'EngineRun')`,
        );
        const during = rows.filter((r) => r.vacuumed && new Date(r.vacuumed) >= loadedFrom).map((r) => r.relname);
        autovacuum = `; autovacuum VACUUMed during or after the second phase: ${during.length ? during.join(", ") : "none"}`;
      }

      // ---- report ----
      const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
      const stat = (p: Phase, key: keyof Sample) => {
        const v = p.samples.map((s) => s[key]);
        return { median: percentile(v, 50), max: Math.max(...v), first: v[0] ?? NaN, last: v[v.length - 1] ?? NaN };
      };
      const table = (header: string[], rows: string[][]) => {
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (cells: string[]) => "  | " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
        console.log(line(header));
        console.log("  |" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
        for (const r of rows) console.log(line(r));
      };
      const isPglite = driver.kind === "pglite";
      const memRow = (p: Phase): string[] => {
        const h = stat(p, "heapUsed");
        const r = stat(p, "rss");
        const w = stat(p, "wasm");
        return [p.name, fmt(h.median / MB, 1), fmt(h.max / MB, 1), fmt((h.last - h.first) / MB, 1), fmt(r.median / MB, 1), fmt(r.max / MB, 1), ...(isPglite ? [fmt(w.median / MB, 0)] : []), String(p.samples.length)];
      };
      const ratio = (key: keyof Sample, which: "median" | "max") => fmt(stat(loaded, key)[which] / stat(base, key)[which], 3);

      console.log(`\n## Memory while ${fmt(waiting)} deliveries wait in retry`);
      for (const l of [
        `database: ${database.label}`,
        "all in this process: the embedded Inngest executor (inngest/engine, poll " + pollMs + " ms), the functions served by inngest/node,",
        "  and a counting receiver on 127.0.0.1 (/ok answers 200, /failing answers 500)",
        `trickle: ${rate} events/s through ingestEvent (lib/events) → delivery dispatcher → executor → deliver-webhook → /ok, ${seconds} s per phase`,
        `memory: process.memoryUsage() once a second, ${gc ? `each after a full GC (global.gc: p50 ${percentile(gcMs, 50).toFixed(0)} ms, max ${Math.max(...gcMs).toFixed(0)} ms)` : "WITHOUT a forced GC (BENCH_GC=0 or gc unavailable)"}; MB = 2^20 bytes` +
          (isPglite ? "; PGlite WASM: Postgres's own memory inside this process (part of RSS)" : ""),
        `machine load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(", ")} (2 cores)`,
        `waiting: ${fmt(waiting)} copies, made by SQL (INSERT … SELECT FROM unnest, batches of ${fmt(batchSize)}), of the rows one real failed first`,
        "  attempt left: Event, Delivery (pending, attempts 1, nextAttemptAt ahead), DeliveryAttempt, EngineEvent, EngineRun",
        `  (running, steps ${JSON.stringify(tpl.run.steps)}, queue ${JSON.stringify(tpl.run.queue).replace(/"stepId":"[^"]+"/, '"stepId":"…"').replace(/"at":\d+/, '"at":…')}), due 30–90 min ahead`,
        `  inserted in ${insertSeconds.toFixed(1)} s (${fmt(waiting / insertSeconds)} deliveries/s); verified: ${fmt(before.deliveries)} deliveries, ${fmt(before.attempts)} attempts, ` +
          `${fmt(before.engineEvents)} Inngest events, ${fmt(before.runs)} runs waiting; ` +
          (analyze ? "then VACUUM (ANALYZE), as autovacuum would" : "not vacuumed or analyzed (PGlite has no autovacuum; BENCH_ANALYZE=1 to)"),
      ]) console.log(`  ${l}`);
      table(
        ["", "heap MB median", "heap MB max", "heap drift", "RSS MB median", "RSS MB max", ...(isPglite ? ["PGlite WASM MB"] : []), "samples"],
        [
          memRow(base),
          memRow(loaded),
          ["× baseline", ratio("heapUsed", "median"), ratio("heapUsed", "max"), "", ratio("rss", "median"), ratio("rss", "max"), ...(isPglite ? [ratio("wasm", "median")] : []), ""],
        ],
      );
      console.log(
        `  just after the insert (GC'd, before the second phase): heap ${fmt(afterInsert.heapUsed / MB, 1)} MB, RSS ${fmt(afterInsert.rss / MB, 1)} MB` +
          (isPglite ? `, PGlite WASM ${fmt(afterInsert.wasm / MB, 0)} MB` : ""),
      );
      console.log("  heap drift: last sample − first sample of the phase");
      console.log("");
      table(
        ["trickle", "events sent", "events/s", "delivered", "rejected", "p50 ms", "p99 ms", "ingest p50/p99 ms", "loop delay p99/max ms", "calls to /failing", "of them copies"],
        [base, loaded].map((p) => [
          p.name,
          fmt(p.sent),
          fmt(p.sent / Math.max(0.001, p.sendSeconds), 1),
          fmt(p.received),
          fmt(p.rejected),
          fmt(percentile(p.latencies, 50)),
          fmt(percentile(p.latencies, 99)),
          `${fmt(percentile(p.ingestMs, 50))} / ${fmt(percentile(p.ingestMs, 99))}`,
          `${fmt(p.loopDelay.p99)} / ${fmt(p.loopDelay.max)}`,
          fmt(p.failingCalls),
          fmt(p.copiesCalled),
        ]),
      );
      console.log(`  p50/p99: from calling ingestEvent to the receiver having the delivery; receipts awaited ≤ ${drainSeconds} s after each phase`);
      console.log("  ingest: ingestEvent's own time (stores the event and its delivery, sends the Inngest event); loop delay: this process's event loop");
      console.log(
        `  after the second phase: ${fmt(after.deliveries)} deliveries and ${fmt(after.runs)} runs still waiting, ${fmt(after.runsCalled)} copies called` +
          `; engine log: ${engineLog.errors} errors, ${engineLog.warnings} warnings${engineLog.first ? ` (first: ${engineLog.first})` : ""}` +
          `; SDK "step error" logs (the template's attempts): ${stepErrors.count}${autovacuum}`,
      );
      console.log("  (figures from one run on a shared machine; compare the ratio, not the absolute numbers)");
    } finally {
      state.phase = undefined;
      await engine.stop();
      await served.close();
      await receiver.close();
    }
  } finally {
    await database.cleanup();
  }
});
