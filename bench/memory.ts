// Heap and RSS of the benchmark's own process, for the footprint lines the delivery benches print:
// before a phase (idle, after a full GC), a line every few seconds during it, its peak (sampled),
// and after it has settled (after a full GC, so what is left is what is held, not garbage not yet
// collected). BENCH_HEAPSNAPSHOT=<prefix> also writes V8 heap snapshots of the app's thread at
// those points (<prefix>-idle.heapsnapshot, -peak…, -after…), to diff in Chrome's DevTools.
import { writeHeapSnapshot, setFlagsFromString, getHeapSpaceStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { readFileSync } from "node:fs";

const MiB = 1024 * 1024;

export type MemorySample = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };

const sample = (): MemorySample => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
};

/** global.gc when node ran with --expose-gc; otherwise switched on at run time (npm scripts run plain tsx). */
export function gcFunction(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** A full GC, twice (the second collects what the first's finalizers released). */
function fullGc() {
  const gc = gcFunction();
  gc();
  gc();
}

export function snapshot(tag: string) {
  const prefix = process.env.BENCH_HEAPSNAPSHOT;
  if (!prefix) return;
  const file = writeHeapSnapshot(`${prefix}-${tag}.heapsnapshot`);
  console.log(`  heap snapshot (${tag}) written to ${file}`);
}

/** Memory of the app's thread now, after a full GC (the idle figure before a phase). */
export function idleMemory(tag = "idle"): MemorySample {
  fullGc();
  snapshot(tag);
  return sample();
}

const f = (m: Pick<MemorySample, "rss" | "heapUsed" | "heapTotal" | "external">) =>
  `heap ${(m.heapUsed / MiB).toFixed(0)} of ${(m.heapTotal / MiB).toFixed(0)} MiB, external ${(m.external / MiB).toFixed(0)} MiB, RSS ${(m.rss / MiB).toFixed(0)} MiB`;

/** V8's spaces of this thread, in MiB committed: where the heap total is (new space = the young generation). */
export function heapSpaces(): string {
  return getHeapSpaceStatistics()
    .filter((s) => s.space_size > MiB)
    .map((s) => `${s.space_name.replace(/_space$/, "")} ${(s.space_size / MiB).toFixed(0)}`)
    .join(", ");
}

/**
 * Samples every `everyMs`, prints a line every `printEveryMs` (with `progress()`, e.g. the
 * deliveries so far, and `other()`, e.g. the load worker's own heap); returns the sample at
 * start, the peak of each field, and the last.
 */
export function sampleMemory(everyMs: number, opts: { before?: MemorySample; printEveryMs?: number; progress?: () => Promise<string> } = {}) {
  const before = opts.before ?? sample();
  const peak = { ...before };
  let last = before;
  const t0 = Date.now();
  let printedAt = t0;
  let printing = false;
  const timer = setInterval(() => {
    last = sample();
    for (const k of Object.keys(peak) as (keyof MemorySample)[]) peak[k] = Math.max(peak[k], last[k]);
    if (opts.printEveryMs && Date.now() - printedAt >= opts.printEveryMs && !printing) {
      printedAt = Date.now();
      printing = true;
      const m = last;
      void (opts.progress?.() ?? Promise.resolve(""))
        .catch(() => "")
        .then((p) => console.log(`  memory at ${((Date.now() - t0) / 1000).toFixed(0)} s: ${f(m)}${p ? `; ${p}` : ""}`))
        .finally(() => (printing = false));
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { before, peak, last };
    },
  };
}

/** Memory after 2 s of quiet and a full GC; with BENCH_HEAPSNAPSHOT, snapshots before and after that GC. */
export async function settledMemory(): Promise<MemorySample & { gc: boolean; beforeGc: MemorySample }> {
  await new Promise((r) => setTimeout(r, 2_000));
  const beforeGc = sample();
  snapshot("after-load");
  fullGc();
  snapshot("after-gc");
  return { ...sample(), gc: true, beforeGc };
}

export function memoryLine(
  during: { before: MemorySample; peak: MemorySample },
  after: MemorySample & { gc: boolean; beforeGc?: MemorySample },
): string {
  return (
    `idle before (after a full GC) ${f(during.before)}; peak during ${f(during.peak)}; ` +
    (after.beforeGc ? `2 s after ${f(after.beforeGc)}; ` : "") +
    `after a full GC ${f(after)}`
  );
}

/**
 * Where the RSS is, from /proc/self/smaps (Linux; "" elsewhere), in MiB resident: WebAssembly
 * memories (anonymous mappings that reserve >= 4 GiB with their guard regions: Prisma's query
 * compiler, PGlite), malloc's main arena ([heap]), other anonymous memory (V8's heap pages, the
 * other malloc arenas, buffers), and file-backed code (node itself, .so and .node files).
 */
export function rssParts(): string {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return "";
  }
  const parts: Record<string, number> = {};
  const add = (k: string, kb: number) => (parts[k] = (parts[k] ?? 0) + kb);
  let size = 0;
  let name = "";
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      size = (parseInt(head[2]!, 16) - parseInt(head[1]!, 16)) / 1024;
      name = head[3] ?? "";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss || rss[1] === "0") continue;
    const kb = Number(rss[1]);
    if (name === "[heap]") add("malloc main arena", kb);
    else if (name.startsWith("/")) add(/\.(so|node)(\.|$)/.test(name) ? "shared libraries" : "node binary and files", kb);
    else if (name) add(name.replace(/^\[|\]$/g, ""), kb);
    else if (size >= 4 * 1024 * 1024) add("WebAssembly memories", kb);
    else add("other anonymous (V8 heap, malloc arenas, buffers)", kb);
  }
  return Object.entries(parts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, kb]) => `${k} ${(kb / 1024).toFixed(0)}`)
    .join(", ");
}
