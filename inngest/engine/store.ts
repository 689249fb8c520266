// The executor's state in the app's database (models in prisma/schema/engine.prisma), so a
// run, its memoized steps and its next wake-up survive a restart.
import { getDb } from "@/lib/db/client";
import { Prisma, type EngineRun } from "@/lib/generated/prisma/client";
import { nextCronTime } from "@/inngest/engine/cron";
import type { FunctionConfig } from "@/inngest/engine/protocol";
import { ulid } from "@/inngest/engine/ulid";

export type StepState = { type: "data"; data: unknown } | { type: "error"; error: unknown };
export type WorkItem =
  | { kind: "call"; stepId: string; attempt: number; at: number }
  | { kind: "sleep"; stepId: string; at: number };

export interface RegisteredFunction {
  id: string;
  url: string;
  config: FunctionConfig;
}

export interface EventPayload {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [key: string]: unknown;
}

/** Event ids are idempotent for 24 h, as on Inngest's servers. */
const DEDUPE_WINDOW_MS = 24 * 3_600_000;

const json = (v: unknown) => (v === null || v === undefined ? Prisma.JsonNull : (v as Prisma.InputJsonValue));

export async function saveFunctions(appId: string, fns: RegisteredFunction[]): Promise<void> {
  const db = await getDb();
  const now = new Date();
  await db.$transaction(async (tx) => {
    for (const f of fns) {
      const data = { appId, name: f.config.name ?? f.id, url: f.url, config: json(f.config) };
      await tx.engineFunction.upsert({ where: { id: f.id }, create: { id: f.id, ...data }, update: data });
    }
    const ids = fns.map((f) => f.id);
    const removed = await tx.engineFunction.findMany({ where: { appId, id: { notIn: ids } }, select: { id: true } });
    await tx.engineCron.deleteMany({ where: { functionId: { in: removed.map((r) => r.id) } } });
    await tx.engineFunction.deleteMany({ where: { appId, id: { notIn: ids } } });
    // Crons: keep the stored next time of unchanged schedules, add new ones, drop the rest.
    const wanted = fns.flatMap((f) =>
      f.config.triggers.flatMap((t) => ("cron" in t ? [{ functionId: f.id, schedule: t.cron }] : [])),
    );
    const existing = await tx.engineCron.findMany({ where: { functionId: { in: ids } } });
    for (const c of existing) {
      if (!wanted.some((w) => w.functionId === c.functionId && w.schedule === c.schedule)) {
        await tx.engineCron.delete({ where: { functionId_schedule: { functionId: c.functionId, schedule: c.schedule } } });
      }
    }
    for (const w of wanted) {
      if (existing.some((c) => c.functionId === w.functionId && c.schedule === w.schedule)) continue;
      await tx.engineCron.create({ data: { ...w, nextAt: nextCronTime(w.schedule, now) } });
    }
  });
}

export async function loadFunctions(): Promise<RegisteredFunction[]> {
  const db = await getDb();
  const rows = await db.engineFunction.findMany();
  return rows.map((r) => ({ id: r.id, url: r.url, config: r.config as unknown as FunctionConfig }));
}

/** Stores events; an id seen in the last 24 h is not stored again. Returns internal ids in order. */
export async function insertEvents(events: EventPayload[], opts: { matched?: boolean } = {}): Promise<string[]> {
  const db = await getDb();
  const externalIds = [...new Set(events.map((e) => e.id))];
  // Past the dedupe window, an old event gives up its external id to the new one.
  const stale = await db.engineEvent.findMany({
    where: { externalId: { in: externalIds }, receivedAt: { lt: new Date(Date.now() - DEDUPE_WINDOW_MS) } },
    select: { id: true, externalId: true },
  });
  for (const s of stale) {
    await db.engineEvent.update({ where: { id: s.id }, data: { externalId: `${s.externalId}#${s.id}` } });
  }
  await db.engineEvent.createMany({
    data: events.map((e) => ({ id: ulid(), externalId: e.id, name: e.name, payload: json(e), matchedAt: opts.matched ? new Date() : null })),
    skipDuplicates: true,
  });
  const rows = await db.engineEvent.findMany({ where: { externalId: { in: externalIds } }, select: { id: true, externalId: true } });
  const byExternal = new Map(rows.map((r) => [r.externalId, r.id]));
  return events.map((e) => byExternal.get(e.id)!);
}

export async function unmatchedEvents(limit: number): Promise<{ id: string; payload: EventPayload }[]> {
  const db = await getDb();
  const rows = await db.engineEvent.findMany({ where: { matchedAt: null }, orderBy: { receivedAt: "asc" }, take: limit });
  return rows.map((r) => ({ id: r.id, payload: r.payload as unknown as EventPayload }));
}

export interface NewRun {
  functionId: string;
  maxAttempts: number;
  idempotencyKey?: string;
}

/** Creates the runs an event triggers and marks it matched, in one transaction. */
export async function createRuns(eventId: string, event: EventPayload, runs: NewRun[], opts: { claim?: boolean } = {}): Promise<string[]> {
  const db = await getDb();
  const now = new Date();
  return db.$transaction(async (tx) => {
    // Claim the event first: a second executor on the same PostgreSQL then finds nothing to do.
    if (opts.claim !== false) {
      const { count } = await tx.engineEvent.updateMany({ where: { id: eventId, matchedAt: null }, data: { matchedAt: now } });
      if (count === 0) return [];
    }
    const created: string[] = [];
    for (const r of runs) {
      if (r.idempotencyKey !== undefined) {
        const prior = await tx.engineRun.findUnique({
          where: { functionId_idempotencyKey: { functionId: r.functionId, idempotencyKey: r.idempotencyKey } },
          select: { id: true, createdAt: true },
        });
        if (prior && prior.createdAt.getTime() > now.getTime() - DEDUPE_WINDOW_MS) continue;
        if (prior) await tx.engineRun.update({ where: { id: prior.id }, data: { idempotencyKey: null } });
      }
      const id = ulid(now.getTime());
      const queue: WorkItem[] = [{ kind: "call", stepId: "step", attempt: 0, at: now.getTime() }];
      await tx.engineRun.create({
        data: {
          id,
          functionId: r.functionId,
          eventId,
          event: json(event),
          events: json([event]),
          queue: json(queue),
          nextAt: now,
          maxAttempts: r.maxAttempts,
          idempotencyKey: r.idempotencyKey ?? null,
        },
      });
      created.push(id);
    }
    return created;
  });
}

export async function dueRuns(now: Date, limit: number, skip = 0): Promise<EngineRun[]> {
  const db = await getDb();
  return db.engineRun.findMany({
    where: {
      status: { in: ["queued", "running"] },
      nextAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    orderBy: [{ nextAt: "asc" }, { id: "asc" }],
    skip,
    take: limit,
  });
}

/** Takes a due run for one call; false when another executor got there first. */
export async function claimRun(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
  const db = await getDb();
  const now = new Date();
  const { count } = await db.engineRun.updateMany({
    where: { id, status: { in: ["queued", "running"] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseOwner: owner, leaseUntil, status: "running" },
  });
  return count === 1;
}

export async function renewLease(id: string, owner: string, leaseUntil: Date): Promise<void> {
  const db = await getDb();
  await db.engineRun.updateMany({ where: { id, leaseOwner: owner }, data: { leaseUntil } });
}

export async function releaseLease(id: string, owner: string): Promise<void> {
  const db = await getDb();
  await db.engineRun.updateMany({ where: { id, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
}

/** On a single-owner database (PGlite) no other executor can hold a lease: free them all at start. */
export async function releaseAllLeases(): Promise<void> {
  const db = await getDb();
  await db.engineRun.updateMany({ where: { leaseOwner: { not: null } }, data: { leaseOwner: null, leaseUntil: null } });
}

export interface RunUpdate {
  steps: Record<string, StepState>;
  stack: string[];
  queue: WorkItem[];
  disableImmediate: boolean;
  status: "running" | "completed" | "failed";
  output?: unknown;
  error?: unknown;
  calls: number;
}

/** Writes the outcome of a call and releases the lease; false if the lease was lost meanwhile. */
export async function saveRun(id: string, owner: string, u: RunUpdate): Promise<boolean> {
  const db = await getDb();
  const ended = u.status !== "running";
  const nextAt = ended || u.queue.length === 0 ? null : new Date(Math.min(...u.queue.map((q) => q.at)));
  const { count } = await db.engineRun.updateMany({
    where: { id, leaseOwner: owner },
    data: {
      steps: json(u.steps),
      stack: json(u.stack),
      queue: json(ended ? [] : u.queue),
      disableImmediate: u.disableImmediate,
      status: u.status,
      nextAt,
      calls: u.calls,
      ...(u.status === "completed" ? { output: json(u.output) } : {}),
      ...(u.status === "failed" ? { error: json(u.error) } : {}),
      endedAt: ended ? new Date() : null,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  return count === 1;
}

export async function dueCrons(now: Date): Promise<{ functionId: string; schedule: string; nextAt: Date }[]> {
  const db = await getDb();
  return db.engineCron.findMany({ where: { nextAt: { lte: now } } });
}

/** Moves a cron to its next time if it still holds `from`; true means this executor fires it. */
export async function advanceCron(functionId: string, schedule: string, from: Date, to: Date): Promise<boolean> {
  const db = await getDb();
  const { count } = await db.engineCron.updateMany({ where: { functionId, schedule, nextAt: from }, data: { nextAt: to } });
  return count === 1;
}

export async function getRun(id: string): Promise<EngineRun | null> {
  const db = await getDb();
  return db.engineRun.findUnique({ where: { id } });
}

export async function listRuns(functionId: string): Promise<EngineRun[]> {
  const db = await getDb();
  return db.engineRun.findMany({ where: { functionId }, orderBy: { createdAt: "asc" } });
}

/** Deletes ended runs and matched events older than `before` (never inside the 24 h dedupe window). */
export async function prune(before: Date): Promise<{ runs: number; events: number }> {
  const db = await getDb();
  const cutoff = new Date(Math.min(before.getTime(), Date.now() - DEDUPE_WINDOW_MS));
  const runs = await db.engineRun.deleteMany({ where: { status: { in: ["completed", "failed", "cancelled"] }, endedAt: { lt: cutoff } } });
  const events = await db.engineEvent.deleteMany({ where: { matchedAt: { lt: cutoff } } });
  return { runs: runs.count, events: events.count };
}
