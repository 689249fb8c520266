// The loop that runs functions: matches stored events to synced functions, fires crons, and
// hands each due run a call slot, keeping all progress in the database. Its parts:
//   sync.ts        how the app's functions are learned (and which are refused)
//   matching.ts    which functions an event starts, and the keys its runs carry
//   cron-timers.ts firing due crons
//   slots.ts       call slots and per-key concurrency in this executor
//   run-worker.ts  working one claimed run: its calls to the serve endpoint, and saving
//   run-state.ts   the rules that turn the SDK's replies into the run's next work
//   store.ts       the database side of all of it
//   wakeup.ts      the pause between rounds, cut short when there is work
// What stays here (about 340 lines) is the scheduling: ingest, matchEvents, dispatchDue and
// startRun share one set of in-memory state (slots, batches in flight, `saturated`, runs in
// flight) and decide together which run gets the next slot; split apart, that state would have to
// be exposed between files.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { getDriver } from "@/lib/db/driver";
import { createBatcher } from "@/lib/db/sql";
import type { EngineRun } from "@/lib/generated/prisma/client";
import { fireDueCrons } from "@/inngest/engine/cron-timers";
import { batchKey, concurrencyKeys, idempotencyKey, keysOf, triggers, type KeyLimit } from "@/inngest/engine/matching";
import { resolveOptions, type ExecutorOptions, type ResolvedOptions } from "@/inngest/engine/options";
import { CRON_EVENT, maxAttempts, type FunctionConfig } from "@/inngest/engine/protocol";
import { advanceRun, STOPPING, type RunContext } from "@/inngest/engine/run-worker";
import { SlotPlan, SlotTable } from "@/inngest/engine/slots";
import * as store from "@/inngest/engine/store";
import type { EventPayload, RegisteredFunction } from "@/inngest/engine/store";
import { servedFunctions, syncInBand } from "@/inngest/engine/sync";
import { parseTimeString } from "@/inngest/engine/time";
import { Wakeup } from "@/inngest/engine/wakeup";

interface InFlight {
  abort: AbortController;
  done: Promise<void>;
}

export class Executor {
  readonly owner = randomUUID();
  private readonly o: ResolvedOptions;
  private readonly slots: SlotTable;
  private readonly runContext: RunContext;
  private functions = new Map<string, RegisteredFunction>();
  private synced = false;
  private resolveSynced!: () => void;
  readonly ready: Promise<void> = new Promise((r) => (this.resolveSynced = r));
  private stopped = false;
  private loopDone?: Promise<void>;
  private syncDone?: Promise<void>;
  private readonly wakeup = new Wakeup();
  private readonly inflight = new Map<string, InFlight>();
  private readonly syncAbort = new AbortController();
  /** Runs of batched functions in flight, per batch key: new events of a busy key wait to form a batch. */
  private readonly activeBatches = new Map<string, number>();
  /** Set when due work was left for want of a slot: a call ending then looks for more at once. */
  private saturated = false;
  private prunedAt = 0;
  private polledAt = 0;
  /** Events were stored without their runs (see ingest): match them on the next round. */
  private matchWanted = true;
  readonly stats = { events: 0, calls: 0, syncs: 0 };

  constructor(options: ExecutorOptions) {
    this.o = resolveOptions(options);
    this.slots = new SlotTable(this.o.maxConcurrentCalls);
    // Runs' saves and lease renewals are group-committed: calls that end (or renew) together, as
    // a whole org's do when its receivers' timeouts fall due at once, take one statement between
    // them rather than one each, and leave the pool's connections to other orgs' work.
    // A statement that fails (one run's output PostgreSQL refuses) is tried again run by run, so
    // each run learns of its own failure only.
    type Save = store.RunSave & { error?: unknown };
    const saveRuns = createBatcher<Save>(async (items) => {
      try {
        await store.saveRuns(items);
      } catch (err) {
        if (items.length === 1) throw err;
        for (const item of items) await store.saveRuns([item]).catch((e: unknown) => (item.error = e ?? new Error("save failed")));
      }
    }, 200, 2);
    // Batches that start together (runs claimed one after another as an org's slots free) take
    // their waiting runs in one statement; leaders of one key go in statements of their own.
    type Absorb = { id: string; functionId: string; batchKey: string; max: number; events?: unknown[] | null };
    const absorbBatches = createBatcher<Absorb>(async (items) => {
      const seen = new Set<string>();
      const together: Absorb[] = [];
      const alone: Absorb[] = [];
      for (const i of items) {
        const key = `${i.functionId}\u0000${i.batchKey}`;
        (seen.has(key) ? alone : together).push(i);
        seen.add(key);
      }
      const events = together.length === 1 ? null : await store.absorbBatches(together, this.owner);
      for (const i of together) i.events = events ? (events.get(i.id) ?? null) : await store.absorbBatch(i.id, this.owner, i.functionId, i.batchKey, i.max);
      for (const i of alone) i.events = await store.absorbBatch(i.id, this.owner, i.functionId, i.batchKey, i.max);
    }, 100, 2);
    const renewLeases = createBatcher<{ id: string; until: Date }>((items) => store.renewLeases(items, this.owner), 500, 1);
    this.runContext = {
      owner: this.owner,
      options: this.o,
      stats: this.stats,
      stopping: () => this.stopped,
      lease: () => this.lease(),
      ingest: (events) => this.ingest(events),
      absorbBatch: async (leader) => {
        const item: Absorb = { ...leader };
        await absorbBatches(item);
        return item.events ?? null;
      },
      saveRun: async (item: Save) => {
        await saveRuns(item);
        if (item.error !== undefined) throw item.error;
        return item.saved === true;
      },
      renewLease: (id) => renewLeases({ id, until: new Date(Date.now() + this.o.leaseMs) }),
    };
  }

  async start(): Promise<void> {
    // Only one process can open an embedded database, so any lease left behind is stale.
    if ((await getDriver()).kind === "pglite") await store.releaseAllLeases();
    this.functions = new Map((await store.loadFunctions()).map((f) => [f.id, f]));
    this.loopDone = this.loop();
    this.syncDone = this.syncUntilDone();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    this.syncAbort.abort();
    // The loop first, so that no call starts after the in-flight ones are aborted.
    await Promise.allSettled([this.loopDone, this.syncDone]);
    for (const f of this.inflight.values()) f.abort.abort(STOPPING);
    await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
  }

  wake(): void {
    this.wakeup.wake();
  }

  /** Syncs now (PUT to the serve endpoint); the in-band reply carries the function configs. */
  async sync(): Promise<void> {
    const reply = await syncInBand(this.o.serveUrl, this.o.signingKey, this.syncAbort.signal);
    if (reply) await this.register(reply.appId, reply.functions);
  }

  /** Stores the app's functions (from either kind of sync, see sync.ts) and lets runs go. */
  async register(appId: string, configs: FunctionConfig[]): Promise<void> {
    const fns = servedFunctions(configs, this.o.serveUrl);
    await store.saveFunctions(appId, fns);
    this.functions = new Map((await store.loadFunctions()).map((f) => [f.id, f]));
    this.stats.syncs++;
    this.synced = true;
    this.resolveSynced();
    this.matchWanted = true;
    this.wake();
  }

  private async syncUntilDone(): Promise<void> {
    let lastError = "";
    for (let attempt = 0; !this.stopped && !this.synced; attempt++) {
      try {
        await this.sync();
        if (this.synced) return;
        lastError = "sync: the serve endpoint did not return its functions";
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        // The app usually starts listening just after the engine; say so only if it persists.
        if (attempt >= 8 && msg !== lastError) this.o.logger.warn(`[engine] ${msg}; retrying`);
        lastError = msg;
      }
      await this.idle(Math.min(100 * 2 ** attempt, 5_000), false);
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick();
      } catch (err) {
        this.o.logger.error("[engine] tick failed", err);
      }
      await this.idle(this.o.pollIntervalMs, true);
    }
  }

  private idle(ms: number, wakeable: boolean): Promise<void> {
    return this.wakeup.idle(ms, wakeable, this.stopped);
  }

  /**
   * One round of the loop. The database is polled every pollIntervalMs (due retries and sleeps,
   * crons, work of a crashed executor); in between, a wake-up only does what it was for: events
   * stored without runs, or due runs waiting for a slot that has just freed.
   */
  private async tick(): Promise<void> {
    if (!this.synced) return; // runs wait for the first sync: it proves the app is up
    const now = Date.now();
    const polling = now - this.polledAt >= this.o.pollIntervalMs;
    if (polling || this.matchWanted) {
      this.matchWanted = false;
      await this.matchEvents();
    }
    if (polling) {
      this.polledAt = now;
      await fireDueCrons(this.functions, () => (this.saturated = true));
    }
    if (polling || this.saturated) await this.dispatchDue();
    if (now - this.prunedAt > 10 * 60_000) {
      this.prunedAt = now;
      await store.prune(new Date(now - this.o.retentionMs));
    }
  }

  /**
   * Events from the event API: stored with the runs they start in one transaction, and the runs
   * that fit a free slot are created claimed and called at once, so the first call of a run waits
   * for no poll. Before the first sync the runs are left for the loop to create.
   */
  async ingest(events: EventPayload[]): Promise<string[]> {
    this.stats.events += events.length;
    if (!this.synced) {
      const { ids } = await store.insertEvents(events);
      this.matchWanted = true;
      this.wake();
      return ids;
    }
    const slots = new SlotPlan(this);
    try {
      const { ids, runs } = await store.insertEvents(events, { runsFor: (e) => this.runsFor(e, slots), lease: this.lease() });
      this.startCreated(runs, slots);
      return ids;
    } finally {
      slots.releaseRest();
    }
  }

  /** The runs an event starts; those that get a slot from `slots` are created claimed. */
  private runsFor(event: EventPayload, slots: SlotPlan): store.NewRun[] {
    if (event.name === CRON_EVENT) return []; // timer events are created with their one run (cron-timers.ts)
    const runs: store.NewRun[] = [];
    for (const fn of this.functions.values()) {
      if (!triggers(fn, event, this.o.logger)) continue;
      const keys = concurrencyKeys(fn, event);
      const batch = batchKey(fn, event, this.o.logger);
      // A batched function's event whose key already has batchWhenBusy runs going (or about to
      // start) waits: the next run of that key to start takes it along (see dispatchDue and
      // advanceRun). Below that it starts a run of its own at once: an event then never waits
      // behind a slow run of its key (the next-but-one's latency would be both runs').
      const busy = batch === undefined ? 0 : (this.activeBatches.get(batch) ?? 0) + (slots.batchKeys.get(batch) ?? 0);
      const joinsBatch = batch !== undefined && busy >= this.o.batchWhenBusy;
      const leased = !joinsBatch && slots.take(keys);
      if (leased && batch !== undefined) slots.batchKeys.set(batch, (slots.batchKeys.get(batch) ?? 0) + 1);
      if (joinsBatch) this.saturated = true; // a run of that key ending looks for it at once
      runs.push({
        functionId: fn.id,
        maxAttempts: maxAttempts(fn.config),
        idempotencyKey: idempotencyKey(fn, event, this.o.logger),
        concurrencyKeys: keys.map((k) => k.key),
        batchKey: batch,
        batchMax: fn.config.batchEvents?.maxSize,
        leased,
      });
    }
    return runs;
  }

  /** Starts the created runs this executor claimed; the others wait for a slot (dispatchDue). */
  private startCreated(runs: EngineRun[], slots: SlotPlan): void {
    for (const row of runs) {
      if (row.leaseOwner === this.owner && slots.hand(row.concurrencyKeys)) this.startRun(row, this.keysOf(row));
      else this.saturated = true;
    }
  }

  /** Creates the runs of events stored without them (before the first sync, failure events), a page at a time. */
  private async matchEvents(): Promise<void> {
    for (let batch = 0; batch < 10 && !this.stopped; batch++) {
      const events = await store.unmatchedEvents(100);
      if (events.length === 0) return;
      const slots = new SlotPlan(this);
      try {
        const matched = events.map(({ id, payload }) => ({ eventId: id, event: payload, runs: this.runsFor(payload, slots) }));
        this.startCreated(await store.createRuns(matched, { lease: this.lease() }), slots);
      } finally {
        slots.releaseRest();
      }
      if (events.length < 100) return;
    }
  }

  private lease(): store.Lease {
    return { owner: this.owner, until: new Date(Date.now() + this.o.leaseMs) };
  }

  /** Claims due runs for the free slots, leaving out those whose concurrency key is full. */
  private async dispatchDue(): Promise<void> {
    this.saturated = false;
    // One run per batch key starts in a call; the others of that key wait to join it (advanceRun).
    const batchesStarted = new Set<string>();
    const now = Date.now();
    // A few rounds: runs of one busy key fill its limit in the first, and the next query leaves
    // that key out, so one slow endpoint never starves the rest.
    for (let round = 0; round < 3 && !this.stopped; round++) {
      const free = this.slots.free();
      if (free <= 0) {
        this.saturated = true;
        return;
      }
      const limit = Math.min(500, free * 2);
      const rows = await store.dueRuns(new Date(), limit, this.slots.fullKeys());
      if (rows.length === 0) return;
      const slots = new SlotPlan(this);
      try {
        let batching = 0;
        const picked = rows.filter((r) => {
          if (this.inflight.has(r.id)) return false;
          if (r.batchKey !== null && (batchesStarted.has(r.batchKey) || this.keepsFilling(r, now))) {
            batching++;
            return false;
          }
          if (!slots.take(this.keysOf(r))) return false;
          if (r.batchKey !== null) batchesStarted.add(r.batchKey);
          return true;
        });
        if (picked.length < rows.length || rows.length === limit) this.saturated = true;
        const lease = this.lease();
        for (const row of await store.claimRuns(picked.map((r) => r.id), lease.owner, lease.until)) {
          slots.hand(row.concurrencyKeys); // each claimed row was picked with a slot for its keys
          let keys = this.keysOf(row);
          if (row.concurrencyKeys.length === 0) {
            // A run stored before runs kept their keys: work them out from its event now.
            keys = concurrencyKeys(this.functions.get(row.functionId), row.event);
            if (this.slots.full(keys)) {
              this.release([]);
              await store.releaseLease(row.id, this.owner);
              this.saturated = true;
              continue;
            }
            this.slots.count(keys);
          }
          this.startRun(row, keys);
        }
        // Another round only helps runs left out for want of a slot, not those left to batch.
        if (picked.length + batching === rows.length) return;
      } finally {
        slots.releaseRest();
      }
    }
  }

  /**
   * Whether a waiting run of a batched function should go on collecting events: while
   * batchWhenBusy runs of its key are in flight here, until its batch's timeout (batchEvents.timeout, counted from the
   * oldest waiting event). When that run ends the batch starts at once; a key with nothing in
   * flight starts at once too (see runsFor), so a batch never waits for a quiet key.
   */
  private keepsFilling(r: store.DueRun, now: number): boolean {
    if ((this.activeBatches.get(r.batchKey!) ?? 0) < this.o.batchWhenBusy) return false;
    const timeout = this.functions.get(r.functionId)?.config.batchEvents?.timeout;
    const ms = (timeout ? parseTimeString(timeout) : undefined) ?? 1_000;
    return now - r.createdAt.getTime() < ms;
  }

  /** The stored keys of a run with their limits from its function's current config. */
  private keysOf(row: { functionId: string; concurrencyKeys: string[] }): KeyLimit[] {
    return keysOf(this.functions.get(row.functionId), row.concurrencyKeys);
  }

  /** Takes a slot, and room under each key, for one run; false when there is none. */
  reserve(keys: KeyLimit[]): boolean {
    return this.slots.reserve(keys);
  }

  /** Gives back what reserve() took; `heldMs`: how long a run held it. */
  release(keys: { key: string }[], heldMs?: number): void {
    this.slots.release(keys, heldMs);
    if (this.saturated) this.wake(); // a slot freed with work waiting for one
  }

  /**
   * Works a claimed run in the background, in a slot already reserved for it; the slot frees when
   * that ends. A run of a slow key starts after its turn (slots.ts: slow keys' runs start spread
   * out), claimed and in its slot meanwhile, so it needs no other query to start; stopping the
   * engine before then gives it back.
   */
  private startRun(row: EngineRun, keys: KeyLimit[]): void {
    const fn = this.functions.get(row.functionId);
    const abort = new AbortController();
    const batch = row.batchKey;
    if (batch !== null) this.activeBatches.set(batch, (this.activeBatches.get(batch) ?? 0) + 1);
    const delay = this.slots.startDelay(keys, Date.now(), this.o.leaseMs / 3); // well within the lease claimed with it
    let startedAt = Date.now();
    const work = async () => {
      if (delay > 0 && !(await turn(delay, abort.signal))) return store.releaseLease(row.id, this.owner);
      startedAt = Date.now();
      await advanceRun(this.runContext, row, fn, abort);
    };
    const done = work()
      .catch((err) => this.o.logger.error(`[engine] run ${row.id} failed to advance`, err))
      .finally(() => {
        this.inflight.delete(row.id);
        if (batch !== null) {
          const n = this.activeBatches.get(batch)! - 1;
          if (n > 0) this.activeBatches.set(batch, n);
          else this.activeBatches.delete(batch);
        }
        this.release(keys, Date.now() - startedAt);
      });
    this.inflight.set(row.id, { abort, done });
  }
}

/** Waits `ms` for a run's turn to start; false if the engine stopped meanwhile. */
function turn(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, true, { signal }).catch(() => false);
}
