// Heap and RSS of the benchmark's own process, for the footprint lines the delivery benches print:
// before a phase, its peak during (sampled), and after it has settled (after a full GC when node
// runs with --expose-gc, so what is left is what is held, not garbage not yet collected).
const MiB = 1024 * 1024;

export type MemorySample = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };

const sample = (): MemorySample => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
};

/** Samples every `everyMs` until stopped; returns the sample at start, the peak of each field, and the last. */
export function sampleMemory(everyMs: number) {
  const before = sample();
  const peak = { ...before };
  let last = before;
  const timer = setInterval(() => {
    last = sample();
    for (const k of Object.keys(peak) as (keyof MemorySample)[]) peak[k] = Math.max(peak[k], last[k]);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { before, peak, last };
    },
  };
}

/** Memory after 2 s of quiet and, when available, a full GC. */
export async function settledMemory(): Promise<MemorySample & { gc: boolean }> {
  await new Promise((r) => setTimeout(r, 2_000));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return { ...sample(), gc: !!gc };
}

const f = (m: Pick<MemorySample, "rss" | "heapUsed" | "heapTotal" | "external">) =>
  `heap ${(m.heapUsed / MiB).toFixed(0)} of ${(m.heapTotal / MiB).toFixed(0)} MiB, external ${(m.external / MiB).toFixed(0)} MiB, RSS ${(m.rss / MiB).toFixed(0)} MiB`;

export function memoryLine(during: { before: MemorySample; peak: MemorySample }, after: MemorySample & { gc: boolean }): string {
  return `before ${f(during.before)}; peak during ${f(during.peak)}; after ${f(after)}${after.gc ? " (after a full GC)" : ""}`;
}
