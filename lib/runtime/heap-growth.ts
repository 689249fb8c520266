// The heap's headroom under load. After each full collection V8 lets the old generation grow to
// up to 4× what survived before it collects again (its heuristic picks the factor from how fast
// it collects): a delivery process whose live heap is ~100 MiB under load then grows its heap to
// ~400 MiB of mostly garbage, which is the RSS plateau of issue 17 item 8. Bounding the growth to
// GATEHOUSE_HEAP_GROWTH_PERCENT (default 50: to 1.5× the live heap) collects sooner, with no
// limit on the heap itself (unlike --max-old-space-size, nothing fails when the live heap grows).
// In bench:e2e it brought the plateau from ~500–700 MiB to ~380 MiB RSS at the same deliveries/s
// and CPU per delivery (bench/README.md). V8 reads the flag at each collection, so setting it once
// the process runs takes effect from the next one; a --heap-growing-percent given to node wins.
import { setFlagsFromString } from "node:v8";

/** Sets V8's heap growth for this process (0: V8's own heuristic); returns the percent in effect, or null when left to V8. */
export function boundHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): number | null {
  const given = execArgv.find((a) => /^--heap[-_]growing[-_]percent=/.test(a));
  if (given) return Number(given.split("=")[1]) || null;
  if (!percent) return null;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
