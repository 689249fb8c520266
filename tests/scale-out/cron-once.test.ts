// Crons fire once however many executors poll (issue 17 item 3): three embedded executors on one
// database, as three Gatehouse processes would run them, all synced with the same app. A due
// schedule is claimed in the database (store.advanceCron's compare-and-set), and its timer event's
// id names the tick (a second insert of it is dropped), so each tick makes exactly one run,
// whichever executor fired it. (With both taken away this test sees 3 runs per tick.) On
// PostgreSQL the executors race on separate pooled connections; on PGlite they take turns on its
// one connection.
import { cron } from "inngest";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { inngest } from "@/inngest/client";
import { embeddedKeys } from "@/inngest/engine/embedded-config";
import { Executor } from "@/inngest/engine/executor";
import { listRuns } from "@/inngest/engine/store";
import { serveFunctions, silentLogger, waitFor } from "@/inngest/engine/testing";

const EXECUTORS = 3;
const TICKS = 4;
let fired = 0;
const functions = [
  inngest.createFunction({ id: "cron-once", retries: 0, triggers: [cron("*/10 * * * *")] }, async () => {
    fired++;
    return "swept";
  }),
];

let app: Awaited<ReturnType<typeof serveFunctions>>;
const executors: Executor[] = [];

beforeAll(async () => {
  app = await serveFunctions(inngest, functions);
  for (let i = 0; i < EXECUTORS; i++) {
    executors.push(new Executor({ serveUrl: app.url, signingKey: embeddedKeys().signingKey, pollIntervalMs: 20, logger: silentLogger }));
  }
  await Promise.all(executors.map((e) => e.start()));
  await Promise.all(executors.map((e) => e.ready));
}, 60_000);

afterAll(async () => {
  await Promise.all(executors.map((e) => e.stop()));
  await app?.close();
});

it(`a due cron makes one run per tick with ${EXECUTORS} executors polling`, async () => {
  const db = await getDb();
  const where = { functionId: "gatehouse-cron-once" };
  for (let tick = 1; tick <= TICKS; tick++) {
    const row = await db.engineCron.findFirstOrThrow({ where });
    // Due now (instead of waiting for the clock): every executor sees it on its next poll.
    await db.engineCron.update({ where: { functionId_schedule: { functionId: row.functionId, schedule: row.schedule } }, data: { nextAt: new Date(Date.now() - 1_000) } });
    await waitFor(async () => (await listRuns("gatehouse-cron-once")).filter((r) => r.status === "completed").length >= tick, 15_000, `run ${tick}`);
    // Several more polls of every executor: a second run for the same tick would show by now.
    await new Promise((r) => setTimeout(r, 300));
    expect((await listRuns("gatehouse-cron-once")).length, `runs after tick ${tick}`).toBe(tick);
    expect((await db.engineCron.findFirstOrThrow({ where })).nextAt.getTime()).toBeGreaterThan(Date.now());
  }
  expect(fired).toBe(TICKS);
}, 120_000);
