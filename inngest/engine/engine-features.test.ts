// Triggers and limits of the embedded executor: cron, concurrency, idempotency keys, parallel steps.
import { cron, eventType } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { inngest } from "@/inngest/client";
import { startEngine, type Engine } from "@/inngest/start-engine";
import { listRuns } from "@/inngest/engine/store";
import { serveFunctions, silentLogger, waitFor } from "@/inngest/engine/testing";

const spans: { fn: string; key: string; start: number; end: number }[] = [];
const work = async (fn: string, key: string) => {
  const start = Date.now();
  await new Promise((r) => setTimeout(r, 250));
  spans.push({ fn, key, start, end: Date.now() });
};
// The most spans running at one instant (checked at each start): a span that merely overlaps
// two others which ran one after the other does not count as three at once.
const maxOverlap = (fn: string, key?: string) => {
  const list = spans.filter((s) => s.fn === fn && (key === undefined || s.key === key));
  return Math.max(0, ...list.map((a) => list.filter((b) => b.start <= a.start && a.start < b.end).length));
};

const serial = eventType("features/serial", { schema: z.object({ i: z.number() }) });
const perKey = eventType("features/per-key", { schema: z.object({ endpointId: z.string(), i: z.number() }) });
const delivery = eventType("features/delivery", { schema: z.object({ deliveryId: z.string() }) });
const fanOut = eventType("features/fan-out");

const batched = eventType("features/batched", { schema: z.object({ k: z.string(), i: z.number() }) });
const batchesSeen: { k: string; is: number[] }[] = [];
let openBatchGate!: () => void;
const batchGate = new Promise<void>((r) => (openBatchGate = r));

const merged = eventType("features/merged", { schema: z.object({ i: z.number() }) });
const mergedSeen: number[][] = [];
let openMergedGate!: () => void;
const mergedGate = new Promise<void>((r) => (openMergedGate = r));

const wide = eventType("features/wide", { schema: z.object({ i: z.number() }) });
const wideSeen: number[][] = [];
let openWideGate!: () => void;
const wideGate = new Promise<void>((r) => (openWideGate = r));

const hog = eventType("features/hog", { schema: z.object({ k: z.string() }) });
let openGate!: () => void;
const gate = new Promise<void>((r) => (openGate = r));

const functions = [
  inngest.createFunction({ id: "hog", retries: 0, concurrency: { limit: 1, key: "event.data.k" }, triggers: [hog] }, async ({ event, step }) => {
    await step.run("work", async () => {
      if (event.data.k === "A") await gate;
      return event.data.k;
    });
  }),
  inngest.createFunction(
    {
      id: "batched",
      retries: 0,
      batchEvents: { maxSize: 5, timeout: "1s", key: "event.data.k" },
      concurrency: { limit: 1, key: "event.data.k" },
      triggers: [batched],
    },
    async ({ events, step }) => {
      return step.run("work", async () => {
        const is = events.map((e) => e.data.i);
        batchesSeen.push({ k: events[0]!.data.k, is });
        if (is.includes(0)) await batchGate; // the first run of key "a" holds its slot until released
        return is;
      });
    },
  ),
  inngest.createFunction(
    { id: "merged", retries: 0, batchEvents: { maxSize: 5, timeout: "1s", key: "'m'" }, concurrency: { limit: 1, key: "'m'" }, triggers: [merged] },
    async ({ events, step }) => {
      return step.run("work", async () => {
        const is = events.map((e) => e.data.i);
        mergedSeen.push(is);
        if (is.includes(0)) await mergedGate;
        return is;
      });
    },
  ),
  // A key with room for 10 runs and a batch timeout far longer than the test: an event waits for
  // a batch only while batchWhenBusy (3) runs of its key are in flight.
  inngest.createFunction(
    { id: "wide", retries: 0, batchEvents: { maxSize: 10, timeout: "60s", key: "'w'" }, concurrency: { limit: 10, key: "'w'" }, triggers: [wide] },
    async ({ events, step }) => {
      return step.run("work", async () => {
        const is = events.map((e) => e.data.i);
        wideSeen.push(is);
        if (is.some((i) => i < 3)) await wideGate; // the first three hold their slots until released
        return is;
      });
    },
  ),
  inngest.createFunction({ id: "sweeper", retries: 0, triggers: [cron("*/10 * * * *")] }, async ({ event }) => ({ cron: "cron" in event.data ? event.data.cron : null })),
  inngest.createFunction({ id: "serial", retries: 0, concurrency: 1, triggers: [serial] }, async ({ event, step }) => {
    await step.run("work", () => work("serial", String(event.data.i)));
  }),
  inngest.createFunction(
    { id: "per-key", retries: 0, concurrency: { limit: 1, key: "event.data.endpointId" }, triggers: [perKey] },
    async ({ event, step }) => {
      await step.run("work", () => work("per-key", event.data.endpointId));
    },
  ),
  inngest.createFunction({ id: "delivery", retries: 0, idempotency: "event.data.deliveryId", triggers: [delivery] }, async () => "sent"),
  inngest.createFunction({ id: "fan-out", retries: 0, triggers: [fanOut] }, async ({ step }) => {
    const [x, y] = await Promise.all([step.run("x", () => "x"), step.run("y", () => "y")]);
    const z = await step.run("z", () => `${x}${y}z`);
    return z;
  }),
];

let app: Awaited<ReturnType<typeof serveFunctions>>;
let engine: Engine;

beforeAll(async () => {
  app = await serveFunctions(inngest, functions);
  engine = await startEngine({ serveUrl: app.url, pollIntervalMs: 50, backoff: () => 200, logger: silentLogger });
  await engine.ready;
});

afterAll(async () => {
  await engine?.stop();
  await app?.close();
});

const completed = (fnId: string, n: number) =>
  waitFor(async () => {
    const runs = await listRuns(`gatehouse-${fnId}`);
    return runs.filter((r) => r.status === "completed").length >= n ? runs : undefined;
  }, 12_000, `${n} completed runs of ${fnId}`);

describe("embedded executor features", () => {
  it("fires a due cron once and schedules the next tick", async () => {
    const db = await getDb();
    const row = await db.engineCron.findFirstOrThrow({ where: { functionId: "gatehouse-sweeper" } });
    expect(row.schedule).toBe("*/10 * * * *");
    expect(row.nextAt.getTime()).toBeGreaterThan(Date.now());
    expect(row.nextAt.getUTCMinutes() % 10).toBe(0);
    // Make it due now instead of waiting for the clock.
    await db.engineCron.update({ where: { functionId_schedule: { functionId: row.functionId, schedule: row.schedule } }, data: { nextAt: new Date(Date.now() - 1_000) } });
    const [run] = await completed("sweeper", 1);
    expect(run!.output).toEqual({ cron: "*/10 * * * *" });
    const after = await db.engineCron.findFirstOrThrow({ where: { functionId: "gatehouse-sweeper" } });
    expect(after.nextAt.getTime()).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, 300));
    expect(await listRuns("gatehouse-sweeper")).toHaveLength(1);
  });

  it("keeps to a function's concurrency limit", async () => {
    await inngest.send([0, 1, 2].map((i) => serial.create({ i })));
    await completed("serial", 3);
    expect(spans.filter((s) => s.fn === "serial")).toHaveLength(3);
    expect(maxOverlap("serial")).toBe(1);
  });

  it("limits concurrency per key and lets different keys run together", async () => {
    await inngest.send([
      perKey.create({ endpointId: "ep_a", i: 0 }),
      perKey.create({ endpointId: "ep_a", i: 1 }),
      perKey.create({ endpointId: "ep_b", i: 2 }),
    ]);
    await completed("per-key", 3);
    expect(maxOverlap("per-key", "ep_a")).toBe(1);
    expect(maxOverlap("per-key")).toBe(2);
  });

  it("keeps to the per-key limit when events of one key arrive in many concurrent sends", async () => {
    // Each send is stored with its runs at once (the fast path), so the slots are reserved
    // while the sends are still in flight: none may overbook the key.
    await Promise.all(Array.from({ length: 8 }, (_, i) => inngest.send(perKey.create({ endpointId: "ep_c", i }))));
    await waitFor(async () => spans.filter((s) => s.key === "ep_c").length === 8 || undefined, 12_000, "8 runs of ep_c");
    expect(maxOverlap("per-key", "ep_c")).toBe(1);
  });

  it("creates one run per idempotency key", async () => {
    await inngest.send([delivery.create({ deliveryId: "dl_1" }), delivery.create({ deliveryId: "dl_1" }), delivery.create({ deliveryId: "dl_2" })]);
    await completed("delivery", 2);
    await new Promise((r) => setTimeout(r, 300));
    const runs = await listRuns("gatehouse-delivery");
    expect(runs.map((r) => r.idempotencyKey).sort()).toEqual(["dl_1", "dl_2"]);
  });

  it("runs parallel steps and continues after both", async () => {
    await inngest.send(fanOut.create());
    const [run] = await completed("fan-out", 1);
    expect(run!.output).toBe("xyz");
    expect(run!.stack).toHaveLength(3);
    expect(run!.disableImmediate).toBe(true);
  });

  it("batches the events that wait behind a busy run of their key, each event in exactly one run", async () => {
    await inngest.send(batched.create({ k: "a", i: 0 })); // starts alone at once, then waits at the gate
    await waitFor(async () => batchesSeen.length === 1 || undefined, 10_000, "the first batch");
    expect(batchesSeen[0]).toEqual({ k: "a", is: [0] });
    // Seven more of key "a" (one of them twice: the same event id starts nothing new) and one of "b".
    await inngest.send(Array.from({ length: 7 }, (_, j) => batched.create({ k: "a", i: j + 1 }, { id: `batched-a-${j + 1}` })));
    await inngest.send(batched.create({ k: "a", i: 3 }, { id: "batched-a-3" }));
    await inngest.send(batched.create({ k: "b", i: 100 }));
    // Key "b" has a free slot: it goes at once, alone, while "a" is still busy.
    await waitFor(async () => batchesSeen.some((b) => b.k === "b") || undefined, 10_000, "the b batch");
    expect(batchesSeen.find((b) => b.k === "b")!.is).toEqual([100]);
    expect(batchesSeen.filter((b) => b.k === "a")).toHaveLength(1);
    openBatchGate();
    // The seven waiting runs of "a" become batches of at most maxSize (5), oldest first.
    const runs = await completed("batched", 4);
    const a = batchesSeen.filter((b) => b.k === "a").map((b) => b.is);
    expect(a).toEqual([[0], [1, 2, 3, 4, 5], [6, 7]]);
    expect(runs.filter((r) => r.status === "completed")).toHaveLength(4); // absorbed runs are gone, not left queued
    expect(runs.map((r) => (r.events as unknown[]).length).sort()).toEqual([1, 1, 2, 5]);
  });

  it("stores the events of one batch that arrive together as one waiting run, and never makes a batch larger than maxSize", async () => {
    await inngest.send(merged.create({ i: 0 })); // starts at once, then holds the key's one slot at the gate
    await waitFor(async () => mergedSeen.length === 1 || undefined, 10_000, "the first merged batch");
    await inngest.send(merged.create({ i: 1 })); // waits alone
    await inngest.send(Array.from({ length: 6 }, (_, j) => merged.create({ i: j + 2 }))); // arrive together: 5 + 1
    const waiting = (await listRuns("gatehouse-merged")).filter((r) => r.status === "queued");
    expect(waiting.map((r) => (r.events as { data: { i: number } }[]).map((e) => e.data.i))).toEqual([[1], [2, 3, 4, 5, 6], [7]]);
    openMergedGate();
    await completed("merged", 4);
    // The run of one event takes along no run whose events would not fit (5 more would make 6).
    expect(mergedSeen).toEqual([[0], [1], [2, 3, 4, 5, 6], [7]]);
    const runs = await listRuns("gatehouse-merged");
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed", "completed", "completed"]);
  });

  it("starts an event of a busy batch key at once below batchWhenBusy runs, and batches the rest", async () => {
    // Each of the first three goes alone, at once, though the ones before it are still in flight
    // (waiting to join their batch would take the 60 s batch timeout).
    for (const i of [0, 1, 2]) {
      await inngest.send(wide.create({ i }));
      await waitFor(async () => wideSeen.length === i + 1 || undefined, 10_000, `wide event ${i} started`);
    }
    expect(wideSeen).toEqual([[0], [1], [2]]);
    // Three in flight: the next five wait, and go together as one batch when a run ends.
    await inngest.send(Array.from({ length: 5 }, (_, j) => wide.create({ i: 3 + j })));
    openWideGate();
    await completed("wide", 4);
    expect(wideSeen.slice(3)).toEqual([[3, 4, 5, 6, 7]]);
  });

  it("does not let 120 runs held back by one concurrency key starve another key", async () => {
    await inngest.send(Array.from({ length: 120 }, () => hog.create({ k: "A" })));
    await inngest.send(hog.create({ k: "B" }));
    const b = await waitFor(async () => {
      const runs = await listRuns("gatehouse-hog");
      return runs.find((r) => (r.event as { data: { k: string } }).data.k === "B" && r.status === "completed");
    }, 10_000, "the B run");
    expect(b).toBeTruthy();
    const runs = await listRuns("gatehouse-hog");
    expect(runs.filter((r) => r.status === "completed")).toHaveLength(1); // every A still waits
    openGate(); // the A backlog drains one by one after this test; it runs last in this file
  }, 30_000);
});
