// The statements the executor shares between runs that start or end together (store.ts):
// absorbBatches (the batches of the runs one round claims, in one statement) and saveRuns (the
// saves of calls that end together). Each must act as its one-run form would, run by run.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { absorbBatch, absorbBatches, saveRuns, type RunSave, type RunUpdate } from "@/inngest/engine/store";

const FN = "gatehouse-batched";
const OWNER = "executor-1";
let seq = 0;

/** A run of FN with one event; `leader` runs are claimed by `owner` (started), the others wait. */
async function run(key: string | null, opts: { leaderOf?: string; owner?: string; status?: "queued" | "running"; calls?: number } = {}) {
  const db = await getDb();
  const i = seq++;
  const id = `run-${String(i).padStart(4, "0")}`;
  const event = { name: "t/batched", data: { k: key, i }, id: `e-${i}`, ts: i };
  await db.engineRun.create({
    data: {
      id,
      functionId: FN,
      eventId: `ev-${i}`,
      event,
      events: [event],
      status: opts.owner ? "running" : (opts.status ?? "queued"),
      maxAttempts: 1,
      batchKey: key,
      leaseOwner: opts.owner ?? null,
      leaseUntil: opts.owner ? new Date(Date.now() + 30_000) : null,
      calls: opts.calls ?? 0,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    },
  });
  return id;
}
const idsOf = (events: unknown[]) => (events as { data: { i: number } }[]).map((e) => e.data.i);

describe("absorbBatches", () => {
  beforeAll(async () => {
    await getDb();
  });

  it("gives each leader the waiting runs of its own key, oldest first, up to its max; a leader whose lease is lost gets none", async () => {
    const a = await run("A", { owner: OWNER });
    const b = await run("B", { owner: OWNER });
    const lost = await run("C", { owner: "executor-2" }); // another executor has it now
    const waitingA = [await run("A"), await run("A"), await run("A")];
    const waitingB = [await run("B")];
    const waitingC = [await run("C")];
    const started = await run("A", { calls: 1, status: "running" }); // started before: never absorbed
    const events = await absorbBatches(
      [
        { id: a, functionId: FN, batchKey: "A", max: 2 },
        { id: b, functionId: FN, batchKey: "B", max: 10 },
        { id: lost, functionId: FN, batchKey: "C", max: 10 },
      ],
      OWNER,
    );
    expect([...events.keys()].sort()).toEqual([a, b]);
    const seqOf = (id: string) => Number(id.slice(4));
    expect(idsOf(events.get(a)!)).toEqual([seqOf(a), seqOf(waitingA[0]!), seqOf(waitingA[1]!)]);
    expect(idsOf(events.get(b)!)).toEqual([seqOf(b), seqOf(waitingB[0]!)]);
    const db = await getDb();
    const left = (await db.engineRun.findMany({ orderBy: { id: "asc" } })).map((r) => [r.id, r.batchKey]);
    // Absorbed runs are gone; the leaders left their batch; the third A, C's and the started run stay.
    expect(left).toEqual([
      [a, null],
      [b, null],
      [lost, "C"],
      [waitingA[2], "A"],
      [waitingC[0], "C"],
      [started, "A"],
    ]);
    // The one-run form agrees on what is left: the next A leader takes the last waiting A.
    const next = await run("A", { owner: OWNER });
    expect(idsOf((await absorbBatch(next, OWNER, FN, "A", 10))!)).toEqual([seqOf(next), seqOf(waitingA[2]!)]);
  });

  it("counts events, not runs: a waiting run holding several events fills the batch only as far as max", async () => {
    const leader = await run("M", { owner: OWNER });
    const many = await run("M");
    const db = await getDb();
    // planRuns stores events of one send together as one waiting run: this one holds three.
    const three = [0, 1, 2].map((k) => ({ name: "t/batched", data: { k: "M", i: 1000 + k }, id: `e-m${k}`, ts: k }));
    await db.engineRun.update({ where: { id: many }, data: { events: three, event: three[0] } });
    const single = await run("M");
    // Room for 2 more: the three-event run does not fit, and nothing after it jumps the queue.
    const events = await absorbBatches([{ id: leader, functionId: FN, batchKey: "M", max: 2 }], OWNER);
    expect(events.get(leader)!.length).toBe(1);
    expect((await db.engineRun.findMany({ where: { batchKey: "M" }, orderBy: { id: "asc" } })).map((r) => r.id)).toEqual([many, single]);
    // Room for 4: the three-event run and the single one, oldest first; as absorbBatch counts.
    const next = await run("M", { owner: OWNER });
    const both = await absorbBatches([{ id: next, functionId: FN, batchKey: "M", max: 4 }], OWNER);
    expect(idsOf(both.get(next)!)).toEqual([Number(next.slice(4)), 1000, 1001, 1002, Number(single.slice(4))]);
  });

  it("refuses two leaders of one key (both would take the same waiting runs)", async () => {
    const x = await run("X", { owner: OWNER });
    const y = await run("X", { owner: OWNER });
    await expect(
      absorbBatches(
        [
          { id: x, functionId: FN, batchKey: "X", max: 5 },
          { id: y, functionId: FN, batchKey: "X", max: 5 },
        ],
        OWNER,
      ),
    ).rejects.toThrow(/two leaders/);
  });
});

describe("saveRuns", () => {
  const update = (status: RunUpdate["status"], extra: Partial<RunUpdate> = {}): RunUpdate => ({
    steps: { s: { type: "data", data: { n: 1 } } },
    stack: ["s"],
    queue: [{ kind: "call", stepId: "step", attempt: 1, at: Date.UTC(2026, 0, 2) }],
    disableImmediate: false,
    status,
    calls: 2,
    ...extra,
  });

  it("saves each run under its own lease only, as saveRun would, in one statement", async () => {
    const going = await run(null, { owner: OWNER });
    const done = await run(null, { owner: OWNER });
    const failed = await run(null, { owner: OWNER });
    const stolen = await run(null, { owner: "executor-2" });
    const keepUntil = new Date(Date.now() + 60_000);
    const items: RunSave[] = [
      { id: going, owner: OWNER, update: update("running"), keepLeaseUntil: keepUntil },
      { id: done, owner: OWNER, update: update("completed", { output: undefined }) },
      { id: failed, owner: OWNER, update: update("failed", { error: { message: "no" } }) },
      { id: stolen, owner: OWNER, update: update("completed", { output: 1 }) },
    ];
    await saveRuns(items);
    expect(items.map((i) => i.saved)).toEqual([true, true, true, false]);
    const db = await getDb();
    const rows = new Map((await db.engineRun.findMany({ where: { id: { in: [going, done, failed, stolen] } } })).map((r) => [r.id, r]));
    expect(rows.get(going)).toMatchObject({ status: "running", leaseOwner: OWNER, nextAt: new Date(Date.UTC(2026, 0, 2)), calls: 2, endedAt: null });
    expect(rows.get(going)!.leaseUntil!.getTime()).toBe(keepUntil.getTime());
    expect(rows.get(done)).toMatchObject({ status: "completed", leaseOwner: null, leaseUntil: null, nextAt: null, queue: [], output: null });
    expect(rows.get(done)!.endedAt).not.toBeNull();
    expect(rows.get(failed)).toMatchObject({ status: "failed", error: { message: "no" }, leaseOwner: null });
    expect(rows.get(stolen)).toMatchObject({ status: "running", leaseOwner: "executor-2", calls: 0 }); // untouched
  });
});
