// Runs the engine as a separate process for engine-crash.test.ts, which kills it with SIGKILL.
// Prints {"url": …} once listening, then {"sleeping": {id, memoized}} once a run's sleep is stored
// in the database (the step before it memoized): the moment a SIGKILL must not lose anything. It
// reads the engine's own data directory, which no other process may open while this one runs.
import { db } from "@/lib/db/client";
import { startEngine } from "@/inngest/start-engine";
import type { WorkItem } from "@/inngest/engine/store";

const engine = await startEngine({
  serveUrl: process.env.GATEHOUSE_TEST_SERVE_URL!,
  pollIntervalMs: 50,
  backoff: () => 200,
});
process.stdout.write(`${JSON.stringify({ url: engine.url })}\n`);

const reported = new Set<string>();
const until = Date.now() + 120_000; // bounded: the test kills this process long before
while (Date.now() < until) {
  const runs = await db.engineRun.findMany({ select: { id: true, queue: true, stack: true } });
  for (const r of runs) {
    if (reported.has(r.id) || !(r.queue as WorkItem[]).some((q) => q.kind === "sleep")) continue;
    reported.add(r.id);
    process.stdout.write(`${JSON.stringify({ sleeping: { id: r.id, memoized: (r.stack as string[]).length } })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 25));
}
