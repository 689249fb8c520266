// The embedded executor running real functions: the real SDK serves them over loopback HTTP,
// events go in through the real `inngest.send`, and state lives in a fresh PGlite.
import { NonRetriableError, RetryAfterError, eventType } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import { embeddedKeys } from "@/inngest/engine/embedded-config";
import { startEngine, type Engine } from "@/inngest/start-engine";
import { getRun, listRuns } from "@/inngest/engine/store";
import { getDb } from "@/lib/db/client";
import { serveFunctions, silentLogger, waitFor } from "@/inngest/engine/testing";

const seen: Record<string, { attempt: number; at: number; runId: string }[]> = {};
const record = (key: string, attempt: number, runId: string) => (seen[key] ??= []).push({ attempt, at: Date.now(), runId });
const count = (key: string, runId?: string) => (seen[key] ?? []).filter((s) => !runId || s.runId === runId).length;

const multiStep = eventType("test/multi-step", { schema: z.object({ n: z.number() }) });
const flaky = eventType("test/flaky");
const slowDown = eventType("test/slow-down");
const doomed = eventType("test/doomed", { schema: z.object({ tag: z.string() }) });
const once = eventType("test/once");
const sleeper = eventType("test/sleeper");
const longSleeper = eventType("test/long-sleeper");
const fatal = eventType("test/fatal");

const functions = [
  inngest.createFunction({ id: "multi-step", retries: 0, triggers: [multiStep] }, async ({ event, step, runId }) => {
    const a = await step.run("a", () => {
      record("multi:a", 0, runId);
      return event.data.n + 1;
    });
    const b = await step.run("b", () => {
      record("multi:b", 0, runId);
      return a * 10;
    });
    return { a, b };
  }),
  inngest.createFunction({ id: "flaky", retries: 2, triggers: [flaky] }, async ({ step, attempt, runId }) => {
    return step.run("sometimes", () => {
      record("flaky", attempt, runId);
      if (attempt === 0) throw new Error("first attempt fails");
      return "ok";
    });
  }),
  inngest.createFunction({ id: "slow-down", retries: 3, triggers: [slowDown] }, async ({ step, attempt, runId }) => {
    return step.run("rate-limited", () => {
      record("slow-down", attempt, runId);
      if (attempt === 0) throw new RetryAfterError("429 from upstream", "1s");
      if (attempt === 1) throw new RetryAfterError("503 from upstream", new Date(Date.now() + 1_500));
      return "delivered";
    });
  }),
  inngest.createFunction(
    {
      id: "doomed",
      retries: 1,
      triggers: [doomed],
      onFailure: async ({ event, error, runId }) => {
        failures.push({ runId, originalRunId: event.data.run_id, tag: event.data.event.data.tag, message: error.message });
      },
    },
    async ({ step, attempt, runId }) => {
      await step.run("never-works", () => {
        record("doomed", attempt, runId);
        throw new Error("endpoint is down");
      });
    },
  ),
  inngest.createFunction({ id: "once", retries: 0, triggers: [once] }, async ({ runId }) => {
    record("once", 0, runId);
    return "ran";
  }),
  inngest.createFunction({ id: "sleeper", retries: 0, triggers: [sleeper] }, async ({ step, runId }) => {
    await step.run("before", () => record("sleeper:before", 0, runId));
    await step.sleep("nap", "1s");
    await step.run("after", () => record("sleeper:after", 0, runId));
  }),
  inngest.createFunction({ id: "long-sleeper", retries: 0, triggers: [longSleeper] }, async ({ step, runId }) => {
    await step.run("before", () => record("long:before", 0, runId));
    await step.sleep("nap", "2s");
    await step.run("after", () => record("long:after", 0, runId));
    return "woke up";
  }),
  inngest.createFunction({ id: "fatal", retries: 3, triggers: [fatal] }, async ({ attempt, runId }) => {
    record("fatal", attempt, runId);
    throw new NonRetriableError("bad input");
  }),
];
const failures: { runId: string; originalRunId: string; tag: string; message: string }[] = [];

let app: Awaited<ReturnType<typeof serveFunctions>>;
let engine: Engine;
const engineOptions = () => ({ serveUrl: app.url, pollIntervalMs: 50, backoff: () => 200, logger: silentLogger });

async function finished(functionId: string, runId?: string) {
  return waitFor(async () => {
    const runs = await listRuns(`gatehouse-${functionId}`);
    const run = runId ? runs.find((r) => r.id === runId) : runs[0];
    return run && (run.status === "completed" || run.status === "failed") ? run : undefined;
  }, 12_000, `a finished run of ${functionId}`);
}

beforeAll(async () => {
  app = await serveFunctions(inngest, functions);
  engine = await startEngine(engineOptions());
  await engine.ready;
});

afterAll(async () => {
  await engine?.stop();
  await app?.close();
});

describe("embedded executor", () => {
  it("runs a multi-step function, each step once, with memoized results", async () => {
    const { ids } = await inngest.send(multiStep.create({ n: 4 }));
    expect(ids).toHaveLength(1);
    const run = await finished("multi-step");
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ a: 5, b: 50 });
    expect(count("multi:a", run.id)).toBe(1);
    expect(count("multi:b", run.id)).toBe(1);
    expect(Object.keys(run.steps as object)).toHaveLength(2);
    expect(run.stack).toHaveLength(2);
    expect((run.event as { data: unknown }).data).toEqual({ n: 4 });
  });

  it("retries a throwing step with attempt + 1 and then succeeds", async () => {
    await inngest.send(flaky.create());
    const run = await finished("flaky");
    expect(run.status).toBe("completed");
    expect(run.output).toBe("ok");
    expect(seen.flaky!.map((s) => s.attempt)).toEqual([0, 1]);
  });

  it("waits exactly as long as RetryAfterError asks (seconds, then a date)", async () => {
    await inngest.send(slowDown.create());
    const run = await finished("slow-down");
    expect(run.output).toBe("delivered");
    const [a0, a1, a2] = seen["slow-down"]!;
    expect([a0!.attempt, a1!.attempt, a2!.attempt]).toEqual([0, 1, 2]);
    // The engine's own backoff here is 200 ms, so these gaps can only come from retry-after.
    expect(a1!.at - a0!.at).toBeGreaterThanOrEqual(1_000);
    expect(a1!.at - a0!.at).toBeLessThan(2_000);
    expect(a2!.at - a1!.at).toBeGreaterThanOrEqual(1_400);
    expect(a2!.at - a1!.at).toBeLessThan(2_500);
  });

  it("fails a run after its last retry and runs its onFailure handler", async () => {
    await inngest.send(doomed.create({ tag: "blue" }));
    const run = await finished("doomed");
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ message: "endpoint is down" });
    expect(seen.doomed!.map((s) => s.attempt)).toEqual([0, 1]); // retries: 1 → two attempts
    const failure = await waitFor(async () => failures.find((f) => f.originalRunId === run.id), 10_000, "onFailure");
    expect(failure).toMatchObject({ tag: "blue", message: "endpoint is down" });
    const handlerRun = await finished("doomed-failure");
    expect(handlerRun.status).toBe("completed");
  });

  it("fails at once on NonRetriableError", async () => {
    await inngest.send(fatal.create());
    const run = await finished("fatal");
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ name: "NonRetriableError", message: "bad input" });
    expect(count("fatal")).toBe(1);
  });

  it("runs an event once when the same event id is sent twice", async () => {
    const first = await inngest.send(once.create({}, { id: "evt-once-1" }));
    const second = await inngest.send(once.create({}, { id: "evt-once-1" }));
    expect(second.ids).toEqual(first.ids);
    await finished("once");
    await inngest.send(once.create({}, { id: "evt-once-1" }));
    await new Promise((r) => setTimeout(r, 300)); // several poll cycles
    expect(await listRuns("gatehouse-once")).toHaveLength(1);
    expect(count("once")).toBe(1);
  });

  it("runs an event id again once its first use is more than 24 h old, and twice in one send only once", async () => {
    const [first] = (await inngest.send([once.create({}, { id: "evt-once-2" }), once.create({}, { id: "evt-once-2" })])).ids;
    await waitFor(async () => ((await listRuns("gatehouse-once")).length === 2 ? true : undefined), 5_000, "the second once run");
    const db = await getDb();
    await db.engineEvent.update({ where: { id: first! }, data: { receivedAt: new Date(Date.now() - 25 * 3_600_000) } });
    const [again] = (await inngest.send(once.create({}, { id: "evt-once-2" }))).ids;
    expect(again).not.toBe(first);
    await waitFor(async () => ((await listRuns("gatehouse-once")).length === 3 ? true : undefined), 5_000, "a third once run");
    expect((await db.engineEvent.findUniqueOrThrow({ where: { id: first! } })).externalId).toBe(`evt-once-2#${first}`);
  });

  it("gives a resent request (same x-inngest-event-id-seed, no ids) the same event ids", async () => {
    const send = () =>
      fetch(`${engine.url}/e/${embeddedKeys().eventKey}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-inngest-event-id-seed": "1764000000000,c2VlZHNlZWRzZWVk" },
        body: JSON.stringify([{ name: "test/seeded", data: { i: 0 } }, { name: "test/seeded", data: { i: 1 } }]),
      }).then((r) => r.json());
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.ids).toHaveLength(2);
    expect(new Set(first.ids).size).toBe(2);
    expect(await send()).toEqual(first);
  });

  it("sleeps with step.sleep", async () => {
    await inngest.send(sleeper.create());
    const run = await finished("sleeper");
    expect(run.status).toBe("completed");
    const gap = seen["sleeper:after"]![0]!.at - seen["sleeper:before"]![0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(gap).toBeLessThan(2_500);
  });

  it("continues a sleeping run after the engine stops and starts again", async () => {
    const sentAt = Date.now();
    await inngest.send(longSleeper.create());
    const sleeping = await waitFor(async () => {
      const [run] = await listRuns("gatehouse-long-sleeper");
      return run && (run.queue as { kind: string }[]).some((q) => q.kind === "sleep") ? run : undefined;
    }, 5_000, "the run to sleep");
    await engine.stop();
    const stoppedAt = Date.now();

    engine = await startEngine(engineOptions());
    await engine.ready;
    const run = await finished("long-sleeper", sleeping.id);
    expect(run.status).toBe("completed");
    expect(run.output).toBe("woke up");
    expect(count("long:before", run.id)).toBe(1); // memoized across the restart, not re-run
    expect(count("long:after", run.id)).toBe(1);
    expect(seen["long:after"]![0]!.at - sentAt).toBeGreaterThanOrEqual(2_000);
    expect(stoppedAt - sentAt).toBeLessThan(2_000); // the engine really was down mid-sleep
    expect((await getRun(run.id))!.leaseOwner).toBeNull();
  });

  it("rejects unsigned calls into the serve endpoint (it is public in production)", async () => {
    const res = await fetch(`${app.url}?fnId=gatehouse-once&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: { name: "test/once", data: {} }, events: [], steps: {}, ctx: { run_id: "x", attempt: 0 }, version: 2 }),
    });
    expect(res.status).toBe(401);
  });

  it("refuses events with a wrong event key", async () => {
    const res = await fetch(`${engine.url}/e/wrong-key`, { method: "POST", body: JSON.stringify([{ name: "test/once", data: {} }]) });
    expect(res.status).toBe(401);
  });
});
