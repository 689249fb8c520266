// Slow keys start spread out (slots.ts): an org whose receivers hang must not start all its runs
// at the moment its previous ones time out together, or they end together again one timeout
// later, a burst every other org's runs wait behind.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { eventType } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import { CALL_STARTED } from "@/inngest/engine/run-worker";
import { listRuns } from "@/inngest/engine/store";
import { serveFunctions, silentLogger, waitFor } from "@/inngest/engine/testing";
import { startEngine, type Engine } from "@/inngest/start-engine";

const LIMIT = 5;
const HOLD_MS = 2_000; // each run's call: as a receiver that hangs until its timeout
const slow = eventType("slow-keys/slow", { schema: z.object({ k: z.string(), i: z.number() }) });
const functions = [
  inngest.createFunction({ id: "slow-key", retries: 0, concurrency: { limit: LIMIT, key: "event.data.k" }, triggers: [slow] }, async ({ step }) => {
    await step.run("work", () => new Promise((r) => setTimeout(r, HOLD_MS)));
  }),
];

let app: Awaited<ReturnType<typeof serveFunctions>>;
let engine: Engine;
/** Each run's first call (a run makes two: the step, then the function's end). */
const starts = new Map<string, { k: string; at: number }>();
const onCall = (m: unknown) => {
  const c = m as { runId: string; functionId: string; events: { data: { k: string } }[]; at: number };
  if (c.functionId === "gatehouse-slow-key" && !starts.has(c.runId)) starts.set(c.runId, { k: c.events[0]!.data.k, at: c.at });
};

beforeAll(async () => {
  app = await serveFunctions(inngest, functions);
  engine = await startEngine({ serveUrl: app.url, pollIntervalMs: 50, logger: silentLogger });
  await engine.ready;
  subscribe(CALL_STARTED, onCall);
});

afterAll(async () => {
  unsubscribe(CALL_STARTED, onCall);
  await engine?.stop();
  await app?.close();
});

const completed = (n: number) =>
  waitFor(async () => ((await listRuns("gatehouse-slow-key")).filter((r) => r.status === "completed").length >= n ? true : undefined), 30_000, `${n} completed runs`);

describe("slow keys", () => {
  it("starts the runs of a key whose runs held their slot long spread out, each under its limit", async () => {
    // First wave: the executor learns that key "s" holds its slots ~2 s.
    await inngest.send([0, 1, 2, 3, 4].map((i) => slow.create({ k: "s", i })));
    await completed(LIMIT);
    // Second wave, all at once with every slot of the key free: without spreading, all five
    // would start within the one ingest. Spread: 2 s × 0.1 ÷ 5 = 40 ms apart, so the last
    // starts at least 4 × 40 ms after they were sent, however fast or slow the machine is.
    const sentAt = Date.now();
    await inngest.send([5, 6, 7, 8, 9].map((i) => slow.create({ k: "s", i })));
    await completed(2 * LIMIT);
    const second = [...starts.values()].filter((s) => s.k === "s" && s.at >= sentAt).map((s) => s.at).sort((a, b) => a - b);
    expect(second).toHaveLength(LIMIT);
    expect(second[LIMIT - 1]! - sentAt).toBeGreaterThanOrEqual(4 * 40);
  });
});
