// The executor's state in the app's database (models in prisma/schema/engine.prisma), so a
// run, its memoized steps and its next wake-up survive a restart.
//
// Longer than our usual ~300 lines, on purpose: it is every statement on the engine's tables
// (functions, events, runs, crons), one exported function per statement, and nothing else. Kept
// in one file so the lease rules (a run is written only by the process whose lease it holds) and
// the lock order across processes (runs, then events) are read and changed in one place.
import { getDb } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
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

export interface Lease {
  owner: string;
  until: Date;
}

/**
 * Stores events; an id seen in the last 24 h is not stored again. With `runsFor`, each newly
 * stored event is stored matched, together with the runs it starts, in the same transaction (the
 * executor's fast path: no poll between an event and its runs); without it, the loop matches it.
 * Returns the internal ids in order, and the runs created.
 */
export async function insertEvents(
  events: EventPayload[],
  opts: { runsFor?: (event: EventPayload) => NewRun[]; lease?: Lease } = {},
): Promise<{ ids: string[]; runs: EngineRun[] }> {
  if (events.length === 0) return { ids: [], runs: [] };
  if (opts.runsFor) {
    const fast = await insertEventsWithRuns(events, opts.runsFor, opts.lease);
    if (fast) return fast;
  }
  return insertEventsInTransaction(events, opts);
}

/** A run to create: its events' external ids, in order (more than one: waiting runs of one batch, merged). */
type RunPlan = NewRun & { id: string; members: string[] };

/**
 * The runs planned for these events, with the waiting runs of one batch merged: runs not claimed
 * here, of one function, batch key and set of concurrency keys, become one run holding their
 * events (at most batchMax), as absorbBatch would merge them when the first of them starts. Under
 * load most events of a busy endpoint wait to join a batch; one row then stands for many of them,
 * instead of a row inserted per event and deleted again when its batch starts.
 */
function planRuns(unique: Map<string, EventPayload>, runsFor: (event: EventPayload) => NewRun[]): RunPlan[] {
  const plans: RunPlan[] = [];
  const open = new Map<string, RunPlan>(); // the batch's plan still taking events, by its keys
  for (const [externalId, event] of unique) {
    for (const r of runsFor(event)) {
      const merges = r.batchKey !== undefined && !r.leased && r.idempotencyKey === undefined && (r.batchMax ?? 1) > 1;
      const key = merges ? [r.functionId, r.batchKey, ...(r.concurrencyKeys ?? [])].join("\u0000") : "";
      const into = merges ? open.get(key) : undefined;
      if (into) {
        into.members.push(externalId);
        if (into.members.length >= r.batchMax!) open.delete(key);
        continue;
      }
      const plan = { ...r, id: ulid(), members: [externalId] };
      plans.push(plan);
      if (merges) open.set(key, plan);
    }
  }
  return plans;
}

/**
 * The executor's fast path in one statement: new events stored matched, with the runs planned
 * for them, and nothing for an id already seen. Null when it does not apply (an idempotency key
 * to check, an id seen more than 24 h ago to take over): the transaction below does those.
 */
async function insertEventsWithRuns(events: EventPayload[], runsFor: (event: EventPayload) => NewRun[], lease?: Lease): Promise<{ ids: string[]; runs: EngineRun[] } | null> {
  const unique = new Map<string, EventPayload>(); // the first event with each id, in order
  for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
  const plans = planRuns(unique, runsFor);
  if (plans.some((p) => p.idempotencyKey !== undefined)) return null;
  const now = new Date();
  const at = now.toISOString();
  const queue: WorkItem[] = [{ kind: "call", stepId: "step", attempt: 0, at: now.getTime() }];
  // A run holds the events of its members that are stored now (an id already seen starts nothing);
  // each event's payload is sent once, and the runs take theirs from the inserted rows.
  const rows = await sql<{ kind: "event" | "run"; id: string; externalId: string | null }>(
    `WITH ev AS (
       INSERT INTO "EngineEvent" ("id", "externalId", "name", "payload", "receivedAt", "matchedAt")
       SELECT x."id", x."externalId", x."name", x."payload", $3::timestamp, $3::timestamp
       FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "externalId" text, "name" text, "payload" jsonb)
       ON CONFLICT ("externalId") DO NOTHING
       RETURNING "id", "externalId", "payload"),
     m AS (
       SELECT r.*, m."ord", ev."id" AS "eventId", ev."payload"
       FROM jsonb_to_recordset($2::jsonb) AS r("id" text, "functionId" text, "members" jsonb, "status" text,
         "maxAttempts" int, "concurrencyKeys" jsonb, "batchKey" text, "leaseOwner" text, "leaseUntil" timestamp)
       CROSS JOIN LATERAL jsonb_array_elements_text(r."members") WITH ORDINALITY AS m("externalId", "ord")
       JOIN ev ON ev."externalId" = m."externalId"),
     runs AS (
       INSERT INTO "EngineRun" ("id", "functionId", "eventId", "event", "events", "status", "queue", "nextAt", "maxAttempts",
         "concurrencyKeys", "batchKey", "leaseOwner", "leaseUntil", "createdAt", "updatedAt")
       SELECT m."id", m."functionId", (array_agg(m."eventId" ORDER BY m."ord"))[1], (array_agg(m."payload" ORDER BY m."ord"))[1],
         jsonb_agg(m."payload" ORDER BY m."ord"), m."status"::"EngineRunStatus", $4::jsonb, $3::timestamp, m."maxAttempts",
         ARRAY(SELECT jsonb_array_elements_text(m."concurrencyKeys")), m."batchKey", m."leaseOwner", m."leaseUntil", $3::timestamp, $3::timestamp
       FROM m GROUP BY m."id", m."functionId", m."status", m."maxAttempts", m."concurrencyKeys", m."batchKey", m."leaseOwner", m."leaseUntil"
       RETURNING "id")
     SELECT 'event' AS "kind", "id", "externalId" FROM ev
     UNION ALL SELECT 'run', "id", NULL FROM runs`,
    [
      JSON.stringify([...unique].map(([externalId, e]) => ({ id: ulid(now.getTime()), externalId, name: e.name, payload: e }))),
      JSON.stringify(
        plans.map((p) => {
          const leased = p.leased && lease;
          return {
            id: p.id,
            functionId: p.functionId,
            members: p.members,
            status: leased ? "running" : "queued",
            maxAttempts: p.maxAttempts,
            concurrencyKeys: p.concurrencyKeys ?? [],
            batchKey: p.batchKey ?? null,
            leaseOwner: leased ? lease.owner : null,
            leaseUntil: leased ? lease.until.toISOString() : null,
          };
        }),
      ),
      at,
      JSON.stringify(queue),
    ],
  );
  const byExternal = new Map(rows.filter((r) => r.kind === "event").map((r) => [r.externalId!, r.id]));
  const stored = new Set(byExternal.keys()); // stored by this statement (the runs hold only these)
  const created = new Set(rows.filter((r) => r.kind === "run").map((r) => r.id));
  const seen = [...unique.keys()].filter((id) => !byExternal.has(id));
  let more: { ids: string[]; runs: EngineRun[] } | undefined;
  if (seen.length) {
    const existing = await sql<{ id: string; externalId: string; receivedAt: Date }>(
      `SELECT "id", "externalId", ("receivedAt" AT TIME ZONE 'UTC') AS "receivedAt" FROM "EngineEvent" WHERE "externalId" = ANY($1::text[])`,
      [seen],
    );
    const stale = existing.filter((x) => x.receivedAt.getTime() < now.getTime() - DEDUPE_WINDOW_MS);
    for (const x of existing) if (!stale.includes(x)) byExternal.set(x.externalId, x.id);
    if (stale.length) {
      const again = stale.map((x) => unique.get(x.externalId)!);
      more = await insertEventsInTransaction(again, { runsFor, lease });
      again.forEach((e, i) => byExternal.set(e.id, more!.ids[i]!));
    }
  }
  const runs: EngineRun[] = plans
    .filter((p) => created.has(p.id))
    .map((p) => {
      const leased = Boolean(p.leased && lease);
      const members = p.members.filter((x) => stored.has(x));
      const own = members.map((x) => unique.get(x)!) as unknown as Prisma.JsonArray;
      return {
        id: p.id,
        functionId: p.functionId,
        eventId: byExternal.get(members[0]!)!,
        event: own[0]!,
        events: own,
        status: leased ? "running" : "queued",
        steps: {},
        stack: [],
        queue: queue as unknown as Prisma.JsonValue,
        nextAt: now,
        maxAttempts: p.maxAttempts,
        disableImmediate: false,
        idempotencyKey: null,
        concurrencyKeys: p.concurrencyKeys ?? [],
        batchKey: p.batchKey ?? null,
        leaseOwner: leased ? lease!.owner : null,
        leaseUntil: leased ? lease!.until : null,
        calls: 0,
        output: null,
        error: null,
        createdAt: now,
        updatedAt: now,
        endedAt: null,
      };
    });
  return { ids: events.map((e) => byExternal.get(e.id)!), runs: more ? [...runs, ...more.runs] : runs };
}

/** The general path: Prisma in one transaction (idempotency keys, ids past the dedupe window). */
async function insertEventsInTransaction(
  events: EventPayload[],
  opts: { runsFor?: (event: EventPayload) => NewRun[]; lease?: Lease },
): Promise<{ ids: string[]; runs: EngineRun[] }> {
  const db = await getDb();
  const now = new Date();
  const rows = events.map((e) => ({ id: ulid(now.getTime()), externalId: e.id, name: e.name, payload: json(e), matchedAt: opts.runsFor ? now : null }));
  const select = { id: true, externalId: true } as const;
  const write = async (tx: Prisma.TransactionClient) => {
    const stored = new Map((await tx.engineEvent.createManyAndReturn({ data: rows, skipDuplicates: true, select })).map((r) => [r.externalId, r.id]));
    const byExternal = new Map(stored);
    const seen = [...new Set(events.map((e) => e.id))].filter((id) => !stored.has(id));
    if (seen.length) {
      const existing = await tx.engineEvent.findMany({ where: { externalId: { in: seen } }, select: { ...select, receivedAt: true } });
      // Past the dedupe window, an old event gives up its external id to the new one.
      const stale = existing.filter((s) => s.receivedAt.getTime() < now.getTime() - DEDUPE_WINDOW_MS);
      for (const s of stale) await tx.engineEvent.update({ where: { id: s.id }, data: { externalId: `${s.externalId}#${s.id}` } });
      if (stale.length) {
        const again = rows.filter((r) => stale.some((s) => s.externalId === r.externalId));
        for (const r of await tx.engineEvent.createManyAndReturn({ data: again, skipDuplicates: true, select })) {
          stored.set(r.externalId, r.id);
          byExternal.set(r.externalId, r.id);
        }
      }
      for (const s of existing) if (!byExternal.has(s.externalId)) byExternal.set(s.externalId, s.id);
    }
    let runs: EngineRun[] = [];
    if (opts.runsFor) {
      const firsts = new Map<string, EventPayload>();
      for (const e of events) if (stored.has(e.id) && !firsts.has(e.id)) firsts.set(e.id, e);
      const matched = [...firsts.values()].map((e) => ({ eventId: stored.get(e.id)!, event: e, runs: opts.runsFor!(e) }));
      runs = await insertRuns(tx, matched, now, opts.lease);
    }
    return { ids: events.map((e) => byExternal.get(e.id)!), runs };
  };
  // Without runs, one statement needs no transaction (the usual case: no id seen before).
  return opts.runsFor ? db.$transaction(write) : write(db as unknown as Prisma.TransactionClient);
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
  /** Evaluated from the event when the run is created (see EngineRun.concurrencyKeys). */
  concurrencyKeys?: string[];
  /** Set for a function with batchEvents: runs waiting with the same key are merged (absorbBatch). */
  batchKey?: string;
  /** The most events one run of that batch takes (batchEvents.maxSize). */
  batchMax?: number;
  /** Created already claimed by this executor, which calls it at once. */
  leased?: boolean;
}

export interface MatchedEvent {
  eventId: string;
  event: EventPayload;
  runs: NewRun[];
}

/**
 * Creates the runs a page of events triggers and marks those events matched, in one
 * transaction. Events another executor matched first are left out. Runs marked `leased` are
 * created claimed by `lease.owner` until `lease.until`; the rest wait for dueRuns.
 */
export async function createRuns(matched: MatchedEvent[], opts: { lease?: Lease } = {}): Promise<EngineRun[]> {
  const db = await getDb();
  const now = new Date();
  return db.$transaction(async (tx) => {
    // Claim the events first: a second executor on the same PostgreSQL then finds nothing to do.
    const claimed = await tx.engineEvent.updateManyAndReturn({
      where: { id: { in: matched.map((m) => m.eventId) }, matchedAt: null },
      data: { matchedAt: now },
      select: { id: true },
    });
    const ids = new Set(claimed.map((c) => c.id));
    return insertRuns(tx, matched.filter((m) => ids.has(m.eventId)), now, opts.lease);
  });
}

/** Inserts the runs of matched events (one statement), honouring idempotency keys. */
async function insertRuns(tx: Prisma.TransactionClient, matched: MatchedEvent[], now: Date, leaseTo?: Lease): Promise<EngineRun[]> {
  const data: Prisma.EngineRunCreateManyInput[] = [];
  const keysInBatch = new Set<string>();
  for (const { eventId, event, runs } of matched) {
    for (const r of runs) {
      if (r.idempotencyKey !== undefined) {
        const unique = `${r.functionId}\u0000${r.idempotencyKey}`;
        if (keysInBatch.has(unique)) continue; // two events of this page with one key: the first wins
        keysInBatch.add(unique);
        const prior = await tx.engineRun.findUnique({
          where: { functionId_idempotencyKey: { functionId: r.functionId, idempotencyKey: r.idempotencyKey } },
          select: { id: true, createdAt: true },
        });
        if (prior && prior.createdAt.getTime() > now.getTime() - DEDUPE_WINDOW_MS) continue;
        if (prior) await tx.engineRun.update({ where: { id: prior.id }, data: { idempotencyKey: null } });
      }
      const queue: WorkItem[] = [{ kind: "call", stepId: "step", attempt: 0, at: now.getTime() }];
      const lease = r.leased && leaseTo;
      data.push({
        id: ulid(now.getTime()),
        functionId: r.functionId,
        eventId,
        event: json(event),
        events: json([event]),
        queue: json(queue),
        nextAt: now,
        maxAttempts: r.maxAttempts,
        idempotencyKey: r.idempotencyKey ?? null,
        concurrencyKeys: r.concurrencyKeys ?? [],
        batchKey: r.batchKey ?? null,
        ...(lease ? { status: "running" as const, leaseOwner: lease.owner, leaseUntil: lease.until } : {}),
      });
    }
  }
  return data.length ? tx.engineRun.createManyAndReturn({ data }) : [];
}

export interface DueRun {
  id: string;
  functionId: string;
  concurrencyKeys: string[];
  batchKey: string | null;
  createdAt: Date;
}

/**
 * Runs due by `now` and not claimed, oldest first: ids and keys only, so polling a large
 * backlog stays cheap. Runs holding any of `fullKeys` (at their concurrency limit) are left out.
 */
export async function dueRuns(now: Date, limit: number, fullKeys: string[] = []): Promise<DueRun[]> {
  const db = await getDb();
  return db.engineRun.findMany({
    where: {
      status: { in: ["queued", "running"] },
      nextAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
      ...(fullKeys.length ? { NOT: { concurrencyKeys: { hasSome: fullKeys } } } : {}),
    },
    orderBy: [{ nextAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, functionId: true, concurrencyKeys: true, batchKey: true, createdAt: true },
  });
}

/** Claims due runs for one executor in one statement; returns those it got (others may have won some). */
export async function claimRuns(ids: string[], owner: string, leaseUntil: Date): Promise<EngineRun[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  const now = new Date();
  return db.engineRun.updateManyAndReturn({
    where: {
      id: { in: ids },
      status: { in: ["queued", "running"] },
      nextAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    data: { leaseOwner: owner, leaseUntil, status: "running" },
  });
}

/**
 * Starts a batch: moves up to `max` events of the runs waiting in the same batch as `leaderId`
 * (never started, not claimed, oldest first) into the leader's `events`, and deletes those runs,
 * in one statement, so every event stays in exactly one run. Only while `owner` holds the
 * leader's lease. The leader leaves its batch (batchKey null): the index on batch keys then only
 * holds runs still waiting to start, however many of that key wait for a retry. Returns the
 * leader's events afterwards (null if the lease was lost).
 */
export async function absorbBatch(leaderId: string, owner: string, functionId: string, batchKey: string, max: number): Promise<unknown[] | null> {
  const now = new Date().toISOString();
  const rows = await sql<{ events: unknown[] }>(
    `WITH leader AS (
       SELECT "id" FROM "EngineRun" WHERE "id" = $1 AND "leaseOwner" = $2 AND "calls" = 0 FOR UPDATE),
     -- Oldest first, as many runs as their events fit in $5 (a run may hold several, see planRuns).
     taken AS (
       DELETE FROM "EngineRun" WHERE "id" IN (
         SELECT w."id" FROM (
           SELECT l."id", sum(jsonb_array_length(l."events")) OVER (ORDER BY l."createdAt", l."id") AS "upTo"
           FROM (
             SELECT r."id", r."events", r."createdAt" FROM "EngineRun" r
             WHERE r."functionId" = $3 AND r."batchKey" = $4 AND r."id" <> $1 AND r."status" = 'queued' AND r."calls" = 0
               AND (r."leaseUntil" IS NULL OR r."leaseUntil" < $6::timestamp) AND EXISTS (SELECT 1 FROM leader)
             ORDER BY r."createdAt", r."id" LIMIT $5 FOR UPDATE SKIP LOCKED) l) w
         WHERE w."upTo" <= $5)
       RETURNING "events", "createdAt", "id")
     UPDATE "EngineRun" r SET "events" = r."events" || COALESCE(
         (SELECT jsonb_agg(e ORDER BY t."createdAt", t."id") FROM taken t, jsonb_array_elements(t."events") e), '[]'::jsonb),
       "batchKey" = NULL, "updatedAt" = $6::timestamp
     WHERE r."id" IN (SELECT "id" FROM leader)
     RETURNING r."events"`,
    [leaderId, owner, functionId, batchKey, max, now],
  );
  return rows[0]?.events ?? null;
}

/**
 * absorbBatch for many leaders, each of its own batch key, in one statement (the runs one round
 * of the executor claims start together: one round trip between them instead of one each).
 * Returns each leader's events afterwards; a leader whose lease was lost is left out. Leaders
 * must not share a batch key (each takes the waiting runs of its key, oldest first).
 */
export async function absorbBatches(leaders: { id: string; functionId: string; batchKey: string; max: number }[], owner: string): Promise<Map<string, unknown[]>> {
  if (leaders.length === 0) return new Map();
  if (new Set(leaders.map((l) => `${l.functionId}\u0000${l.batchKey}`)).size < leaders.length) throw new Error("absorbBatches: two leaders of one batch key");
  const now = new Date().toISOString();
  const rows = await sql<{ id: string; events: unknown[] }>(
    `WITH l AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS l("id" text, "functionId" text, "batchKey" text, "max" int)),
     leader AS (
       SELECT r."id" FROM "EngineRun" r WHERE r."id" IN (SELECT "id" FROM l) AND r."leaseOwner" = $2 AND r."calls" = 0 FOR UPDATE),
     pick AS (
       SELECT l."id" AS "leaderId", w."id" FROM l JOIN leader ON leader."id" = l."id" CROSS JOIN LATERAL (
         -- Oldest first, as many runs as their events fit in max (a run may hold several, see planRuns).
         SELECT c."id" FROM (
           SELECT q."id", sum(jsonb_array_length(q."events")) OVER (ORDER BY q."createdAt", q."id") AS "upTo"
           FROM (
             SELECT r."id", r."events", r."createdAt" FROM "EngineRun" r
             WHERE r."functionId" = l."functionId" AND r."batchKey" = l."batchKey" AND r."id" <> l."id" AND r."status" = 'queued' AND r."calls" = 0
               AND (r."leaseUntil" IS NULL OR r."leaseUntil" < $3::timestamp)
             ORDER BY r."createdAt", r."id" LIMIT l."max" FOR UPDATE SKIP LOCKED) q) c
         WHERE c."upTo" <= l."max") w),
     taken AS (
       DELETE FROM "EngineRun" r USING pick p WHERE r."id" = p."id"
       RETURNING p."leaderId", r."events", r."createdAt", r."id")
     UPDATE "EngineRun" r SET "events" = r."events" || COALESCE(
         (SELECT jsonb_agg(e ORDER BY t."createdAt", t."id") FROM taken t, jsonb_array_elements(t."events") e WHERE t."leaderId" = r."id"), '[]'::jsonb),
       "batchKey" = NULL, "updatedAt" = $3::timestamp
     WHERE r."id" IN (SELECT "id" FROM leader)
     RETURNING r."id", r."events"`,
    [JSON.stringify(leaders.map((l) => ({ id: l.id, functionId: l.functionId, batchKey: l.batchKey, max: l.max }))), owner, now],
  );
  return new Map(rows.map((r) => [r.id, r.events]));
}

/**
 * Extends the leases `owner` holds on these runs, in one statement: the calls in flight renew
 * together (their heartbeats fall due together when their calls started together).
 */
export async function renewLeases(renewals: { id: string; until: Date }[], owner: string): Promise<void> {
  if (renewals.length === 0) return;
  await sql(
    `UPDATE "EngineRun" r SET "leaseUntil" = x."until"
     FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "until" timestamp)
     WHERE r."id" = x."id" AND r."leaseOwner" = $2`,
    [JSON.stringify(renewals.map((r) => ({ id: r.id, until: r.until.toISOString() }))), owner],
  );
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

/** One run's outcome to store (saveRuns): `saved` is filled in with whether the lease still held. */
export interface RunSave {
  id: string;
  owner: string;
  update: RunUpdate;
  /** Keep the lease until then (the executor goes straight on with the run's next call). */
  keepLeaseUntil?: Date;
  saved?: boolean;
}

/**
 * Writes the outcome of a call and releases the lease, or keeps it until `keepLeaseUntil` when
 * the executor goes straight on with the run's next call; false if the lease was lost meanwhile.
 */
export async function saveRun(id: string, owner: string, u: RunUpdate, keepLeaseUntil?: Date): Promise<boolean> {
  const item: RunSave = { id, owner, update: u, keepLeaseUntil };
  await saveRuns([item]);
  return item.saved === true;
}

/**
 * saveRun for many runs in one statement (each row only under its own lease). Calls that end
 * together (a burst of receivers' timeouts ends a whole org's calls at once) are saved with one
 * round trip and one commit instead of one each, so they do not fill the pool's connections
 * ahead of other orgs' work. Sets each item's `saved`.
 */
export async function saveRuns(items: RunSave[]): Promise<void> {
  if (items.length === 0) return;
  // Plain SQL: this runs after every call, and Prisma's per-query cost would be most of it.
  const now = new Date().toISOString();
  const rows = items.map(({ id, owner, update: u, keepLeaseUntil }) => {
    const ended = u.status !== "running";
    const nextAt = ended || u.queue.length === 0 ? null : new Date(Math.min(...u.queue.map((q) => q.at)));
    const keep = keepLeaseUntil && !ended;
    return {
      id,
      owner,
      steps: u.steps,
      stack: u.stack,
      queue: ended ? [] : u.queue,
      disableImmediate: u.disableImmediate,
      status: u.status,
      nextAt: nextAt?.toISOString() ?? null,
      calls: u.calls,
      // Wrapped, so that a null output is stored as JSON null (as before), not SQL NULL.
      output: { v: u.output ?? null },
      error: { v: u.error ?? null },
      endedAt: ended ? now : null,
      leaseOwner: keep ? owner : null,
      leaseUntil: keep ? keepLeaseUntil.toISOString() : null,
    };
  });
  const saved = await sql<{ id: string }>(
    `UPDATE "EngineRun" r SET "steps" = x."steps", "stack" = x."stack", "queue" = x."queue", "disableImmediate" = x."disableImmediate",
       "status" = x."status"::"EngineRunStatus", "nextAt" = x."nextAt", "calls" = x."calls",
       "output" = CASE WHEN x."status" = 'completed' THEN x."output"->'v' ELSE r."output" END,
       "error" = CASE WHEN x."status" = 'failed' THEN x."error"->'v' ELSE r."error" END,
       "endedAt" = x."endedAt", "leaseOwner" = x."leaseOwner", "leaseUntil" = x."leaseUntil", "updatedAt" = $2::timestamp
     FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "owner" text, "steps" jsonb, "stack" jsonb, "queue" jsonb, "disableImmediate" boolean,
       "status" text, "nextAt" timestamp, "calls" int, "output" jsonb, "error" jsonb, "endedAt" timestamp, "leaseOwner" text, "leaseUntil" timestamp)
     WHERE r."id" = x."id" AND r."leaseOwner" = x."owner" RETURNING r."id"`,
    [JSON.stringify(rows), now],
  );
  const ids = new Set(saved.map((r) => r.id));
  for (const item of items) item.saved = ids.has(item.id);
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
