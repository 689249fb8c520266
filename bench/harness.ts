// Shared pieces of the benchmarks: a throwaway database, a bare Node http baseline, a bounded
// autocannon run (count AND time), and the table every benchmark prints. Benchmarks report
// figures; they never assert on them.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";

/** A comma-separated list of integers from the environment ("10,50"), else the default. */
export function envInts(name: string, fallback: number[]): number[] {
  const v = (process.env[name] ?? "").split(",").map(Number).filter((n) => Number.isFinite(n) && n > 0);
  return v.length ? v.map(Math.floor) : fallback;
}

/** An integer from the environment, else the default (so `npm run bench` stays short). */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

export interface BenchDatabase {
  /** What the run used, for the table: "PGlite (file, /tmp/…)" or "PostgreSQL (postgres://…)". */
  label: string;
  isPostgres: boolean;
  /** BENCH_PG_REUSE=1: the given PostgreSQL database itself, shared; delete what the bench made. */
  sharedDatabase: boolean;
  /** A copy of bench/run.ts's freshly migrated PGlite rather than a new initdb. */
  fromTemplate: boolean;
  /** Closes the database and removes the temp directory. */
  cleanup(): Promise<void>;
}

/**
 * Points the app at a fresh database BEFORE any app module is loaded (lib/env parses the
 * environment once). Call it first, then import app code with `await import(...)`.
 * - DATABASE_URL unset: a new file-backed PGlite under a temp directory (removed afterwards).
 * - DATABASE_URL=memory://: an in-memory PGlite.
 * - DATABASE_URL=postgres://… (a server on this machine): a throwaway database
 *   `gatehouse_bench_…` created on that server and dropped afterwards; with BENCH_PG_REUSE=1 the
 *   given database itself, where the bench works in an organization of its own and deletes it
 *   afterwards (for comparing with a running `npm start` that uses the same database).
 */
export async function prepareDatabase(name: string): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  const isPostgres = !!url && /^postgres(ql)?:\/\//.test(url);
  const reuse = isPostgres && process.env.BENCH_PG_REUSE === "1";
  let dir: string | undefined;
  let fromTemplate = false;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (!isPostgres) {
    if (url && !url.startsWith("memory://")) throw new Error(`DATABASE_URL must be postgres://…, memory:// or unset for benchmarks`);
    dir = mkdtempSync(path.join(tmpdir(), `gatehouse-bench-${name}-`));
    process.env.GATEHOUSE_DATA_DIR = dir;
    // bench/run.ts creates and migrates one PGlite once (initdb alone takes seconds) and each
    // benchmark starts from its own copy of it, still a fresh database of its own.
    const template = process.env.BENCH_PGLITE_TEMPLATE;
    if (!url && template && existsSync(template)) {
      cpSync(template, path.join(dir, "pglite"), { recursive: true });
      fromTemplate = true;
    }
  } else if (!reuse) {
    dropDatabase = await createThrowawayDatabase(url!, name);
  }
  process.env.GATEHOUSE_ALLOW_PRIVATE_URLS = "1"; // the receiver lives on 127.0.0.1
  // As Next.js's server does before loading anything: route modules imported before the app
  // server starts (benches import theirs first) must see the real AsyncLocalStorage.
  (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
  // The app server (production mode) refuses PostgreSQL without these; a bench database is
  // throwaway, so are they (BENCH_PG_REUSE: pass the app's own to read its secrets).
  process.env.GATEHOUSE_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  let label = isPostgres ? "PostgreSQL" : url?.startsWith("memory://") ? "PGlite (in memory)" : "PGlite (file)";
  return {
    isPostgres,
    sharedDatabase: reuse,
    fromTemplate,
    get label() {
      return label;
    },
    set label(v) {
      label = v;
    },
    async cleanup() {
      const { db } = await import("@/lib/db/client");
      const { getDriver } = await import("@/lib/db/driver");
      await db.$disconnect().catch(() => {});
      const d = await getDriver();
      if (d.kind === "pglite") await d.pglite.close().catch(() => {});
      else await d.pool.end().catch(() => {});
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (dropDatabase) await dropDatabase();
    },
  };
}

/** CREATE DATABASE gatehouse_bench_… on the (local) server of `url`; points DATABASE_URL at it. */
async function createThrowawayDatabase(url: string, name: string): Promise<() => Promise<void>> {
  const server = new URL(url);
  const host = server.hostname.replace(/^\[|\]$/g, "");
  const socket = server.searchParams.get("host");
  if (!(socket?.startsWith("/") || host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host))) {
    throw new Error(`benchmarks create and drop a database: only a PostgreSQL on this machine is allowed, not ${host}`);
  }
  const { default: pg } = await import("pg");
  const database = `gatehouse_bench_${name.replace(/\W/g, "_")}_${Date.now().toString(36)}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${database}"`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  process.env.DATABASE_URL = target.toString();
  return () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((err) => console.error(`could not drop ${database}:`, err));
}

/** Creates and migrates a PGlite database under `dataDir` and closes it (bench/run.ts's template). */
export async function createPgliteTemplate(dataDir: string): Promise<string> {
  process.env.GATEHOUSE_DATA_DIR = dataDir;
  const { ensureDatabase } = await import("@/lib/db/client");
  const d = await ensureDatabase();
  if (d.kind !== "pglite") throw new Error("the template is for PGlite only");
  await d.pglite.close();
  return d.location;
}

/** Opens (and migrates) the database; fills in the label with where it is. */
export async function openDatabase(bdb: BenchDatabase) {
  const { getDb } = await import("@/lib/db/client");
  const { getDriver } = await import("@/lib/db/driver");
  const db = await getDb();
  const d = await getDriver();
  bdb.label =
    d.kind === "pg"
      ? `PostgreSQL (${d.location}${bdb.sharedDatabase ? ", shared: this bench's org is deleted afterwards" : ", a throwaway database dropped afterwards"})`
      : d.location === "memory://"
        ? "PGlite in memory (memory://)"
        : `PGlite file (${d.location}${bdb.fromTemplate ? ", a copy of a freshly migrated template" : ", new"})`;
  return db;
}

export interface Served {
  origin: string;
  close(): Promise<void>;
}

/**
 * The baseline: a bare Node http handler on 127.0.0.1 that reads the whole body and answers a
 * small JSON document, with no routing, database or auth. Measured in the same run as the
 * scenario, so the ratio means something on a loaded machine.
 */
export async function startBareServer(status = 200): Promise<Served> {
  const body = JSON.stringify({ ok: true });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Upper bound on time, seconds. */
  seconds: number;
  /** Upper bound on requests. */
  maxRequests: number;
  /** Paced load: this many requests per second in all (autocannon overallRate); unpaced when unset. */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

/**
 * One autocannon run, bounded by count (maxOverallRequests) and by time (duration, plus a hard
 * stop a little later). The load generator runs in a worker thread so it does not share the
 * event loop with the server under test (both are still on the same 2 cores).
 */
export function load(o: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(o.url)) {
    throw new Error(`benchmarks only send traffic to 127.0.0.1, not ${o.url}`);
  }
  return new Promise((resolve, reject) => {
    let hardStop: NodeJS.Timeout | undefined;
    const instance = autocannon(
      {
        url: o.url,
        method: o.method ?? "GET",
        headers: o.headers,
        body: o.body,
        connections: o.connections,
        duration: o.seconds,
        maxOverallRequests: Math.max(o.maxRequests, o.connections),
        workers: 1,
        timeout: 10,
        ...(o.overallRate ? { overallRate: o.overallRate } : {}),
      },
      (err, r) => {
        clearTimeout(hardStop);
        if (err) return reject(err);
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = Number((s as { count: number }).count);
        const requests = r["2xx"] + r.non2xx;
        resolve({
          requests,
          seconds: r.duration,
          rps: r.duration > 0 ? requests / r.duration : 0,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors,
          statuses,
        });
      },
    );
    hardStop = setTimeout(() => instance.stop(), (o.seconds + 5) * 1000);
  });
}

/** A short unrecorded run first, so JIT and connection set-up do not count against either side. */
export async function warmUp(o: LoadOptions): Promise<void> {
  await load({ ...o, seconds: 1, maxRequests: Math.min(o.maxRequests, 200) });
}

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  note?: string;
}

export function rowOf(name: string, r: LoadResult): Row {
  const bad = Object.entries(r.statuses).filter(([c]) => !c.startsWith("2"));
  const note = [
    bad.length ? `non-2xx: ${bad.map(([c, n]) => `${c}×${n}`).join(", ")}` : "",
    r.errors ? `errors: ${r.errors}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return { name, rps: r.rps, p50: r.p50, p99: r.p99, requests: r.requests, note: note || undefined };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-";

/** Prints the table: each row's rate, latency and its ratio to the baseline row. */
export function printTable(opts: { title: string; lines: string[]; rows: Row[]; baseline: Row; unit?: string }) {
  const unit = opts.unit ?? "req/s";
  console.log(`\n## ${opts.title}`);
  for (const l of opts.lines) console.log(`  ${l}`);
  const header = ["", unit, "p50 ms", "p99 ms", "count", "× baseline"];
  const body = [opts.baseline, ...opts.rows].map((r) => [
    r === opts.baseline ? `${r.name} (baseline)` : r.name,
    fmt(r.rps),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.requests),
    r === opts.baseline ? "1" : opts.baseline.rps > 0 ? fmt(r.rps / opts.baseline.rps, 3) : "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => "  | " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("  |" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const b of body) console.log(line(b));
  for (const r of [opts.baseline, ...opts.rows]) if (r.note) console.log(`  ! ${r.name}: ${r.note}`);
  console.log("  (figures from one run on a shared machine; compare the ratio, not the absolute numbers)");
}

/**
 * CPU time so far of this process (the server under test and autocannon's worker thread) and of
 * the PostgreSQL backends serving this bench's database (Linux /proc; 10 ms ticks), in µs.
 */
export function cpuNow(): { proc: number; pg: number | null } {
  const u = process.cpuUsage();
  return { proc: u.user + u.system, pg: pgBackendsCpu() };
}

function pgBackendsCpu(): number | null {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:/.test(url) || process.platform !== "linux") return null;
  const db = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!db) return null;
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.startsWith("postgres: ") || !cmd.includes(` ${db} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10_000;
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** The optional extra row: the same requests against a running `npm start` at BENCH_BASE_URL. */
export function nextBaseUrl(): string | undefined {
  const u = process.env.BENCH_BASE_URL?.replace(/\/$/, "");
  if (!u) return undefined;
  if (!/^http:\/\/127\.0\.0\.1(:\d+)?$/.test(u)) throw new Error(`BENCH_BASE_URL must be an http origin on 127.0.0.1, got ${u}`);
  return u;
}

/** Runs main, prints a failure plainly and sets the exit code; never leaves the process hanging. */
export function run(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
