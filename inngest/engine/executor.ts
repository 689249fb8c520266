// The loop that runs functions: matches stored events to synced functions, fires crons, and
// drives each run through call requests to the app's serve endpoint (SDK protocol v2, see
// docs/SDK_SPEC.md in inngest/inngest), keeping all progress in the database.
import { randomUUID } from "node:crypto";
import { getDriver } from "@/lib/db/driver";
import type { EngineRun } from "@/lib/generated/prisma/client";
import { nextCronTime } from "@/inngest/engine/cron";
import { evaluate } from "@/inngest/engine/expression";
import {
  CRON_EVENT,
  FUNCTION_FAILED_EVENT,
  OP,
  concurrencyLimits,
  inBandSyncSchema,
  maxAttempts,
  opSchema,
  type FunctionConfig,
  type Op,
} from "@/inngest/engine/protocol";
import { canonicalJson, signatureHeader, verifySignature } from "@/inngest/engine/signing";
import { inProcessFetch } from "@/inngest/engine/in-process";
import * as store from "@/inngest/engine/store";
import type { EventPayload, RegisteredFunction, StepState, WorkItem } from "@/inngest/engine/store";
import { defaultBackoff, parseRetryAfter, parseTimeString, sleepUntil } from "@/inngest/engine/time";

export type Logger = Pick<Console, "info" | "warn" | "error">;

export interface ExecutorOptions {
  serveUrl: string;
  signingKey: string;
  /** How often the database is polled for due work (new events also wake the loop at once). */
  pollIntervalMs?: number;
  /**
   * Calls in flight at once, over all functions. Well above deliver-webhook's 10 per endpoint
   * and 25 per org, so that neither one slow endpoint nor one org whose receivers hang holds
   * every slot.
   */
  maxConcurrentCalls?: number;
  /**
   * A call that takes longer is aborted (the serve handler's work sees it through
   * currentCallSignal) and counts as a failed attempt. deliver-webhook keeps its calls below it:
   * its batch budget (GATEHOUSE_BATCH_BUDGET_SECONDS, 120 s) plus one send's timeout (≤ 30 s).
   */
  callTimeoutMs?: number;
  /** How long a claim on a run lasts without renewal; bounds recovery after a crash. */
  leaseMs?: number;
  /** Delay before retry `attempt` when the app sent no retry-after. */
  backoff?: (attempt: number) => number;
  /** Ended runs and old events are deleted after this long. */
  retentionMs?: number;
  logger?: Logger;
}

interface InFlight {
  abort: AbortController;
  done: Promise<void>;
}

/** A sync the executor will not accept (its server answers 400). */
export class SyncRefused extends Error {
  constructor(message: string) {
    super(`sync refused: ${message}`);
  }
}

/** Why a call was aborted: the engine stopping leaves the run untouched for the next start. */
const STOPPING = "engine stopping";

export class Executor {
  readonly owner = randomUUID();
  private readonly o: Required<Omit<ExecutorOptions, "logger">> & { logger: Logger };
  private functions = new Map<string, RegisteredFunction>();
  private synced = false;
  private resolveSynced!: () => void;
  readonly ready: Promise<void> = new Promise((r) => (this.resolveSynced = r));
  private stopped = false;
  private loopDone?: Promise<void>;
  private syncDone?: Promise<void>;
  private wakeRequested = false;
  private wakeFn?: () => void;
  private readonly inflight = new Map<string, InFlight>();
  private readonly syncAbort = new AbortController();
  private readonly keyCounts = new Map<string, number>();
  private readonly keyLimits = new Map<string, number>();
  /** Runs of batched functions in flight, per batch key: new events of a busy key wait to form a batch. */
  private readonly activeBatches = new Map<string, number>();
  /** Slots taken: runs in flight plus those reserved for runs about to start. */
  private busy = 0;
  /** Set when due work was left for want of a slot: a call ending then looks for more at once. */
  private saturated = false;
  private prunedAt = 0;
  private polledAt = 0;
  /** Events were stored without their runs (see ingest): match them on the next round. */
  private matchWanted = true;
  readonly stats = { events: 0, calls: 0, syncs: 0 };

  constructor(options: ExecutorOptions) {
    this.o = {
      pollIntervalMs: 250,
      maxConcurrentCalls: 200,
      callTimeoutMs: 10 * 60_000,
      leaseMs: 30_000,
      backoff: defaultBackoff,
      retentionMs: 7 * 86_400_000,
      logger: console,
      ...options,
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
    this.wakeRequested = true;
    this.wakeFn?.();
  }

  /** Syncs now (PUT to the serve endpoint); the in-band reply carries the function configs. */
  async sync(): Promise<void> {
    const body = canonicalJson({ url: this.o.serveUrl });
    const res = await fetch(this.o.serveUrl, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        "x-inngest-sync-kind": "in_band",
        "x-inngest-signature": signatureHeader(body, this.o.signingKey),
      },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(30_000), this.syncAbort.signal]),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sync: ${this.o.serveUrl} answered ${res.status}: ${text.slice(0, 300)}`);
    // With INNGEST_ALLOW_IN_BAND_SYNC=0 the SDK has POSTed /fn/register instead (see server.ts).
    if (res.headers.get("x-inngest-sync-kind") !== "in_band") return;
    if (!verifySignature(text, res.headers.get("x-inngest-signature"), this.o.signingKey)) {
      throw new Error(`sync: the reply of ${this.o.serveUrl} is not signed with this executor's key`);
    }
    const reply = inBandSyncSchema.parse(JSON.parse(text));
    await this.register(reply.app_id, reply.functions);
  }

  /**
   * Stores the app's functions (from either kind of sync) and lets runs go. The executor only
   * ever calls the serve URL it was started with: a sync that names any other URL is refused
   * (a forged Host header must not move where runs, and the deliveries they sign, are sent).
   */
  async register(appId: string, configs: FunctionConfig[]): Promise<void> {
    const serve = new URL(this.o.serveUrl);
    const fns = configs.map((config) => {
      const step = config.steps.step ?? Object.values(config.steps)[0];
      if (!step) throw new SyncRefused(`function ${config.id} has no step runtime`);
      const url = new URL(step.runtime.url);
      if (url.origin !== serve.origin || url.pathname !== serve.pathname) {
        throw new SyncRefused(`function ${config.id} is served at ${url.origin}${url.pathname}, not at this executor's ${this.o.serveUrl}`);
      }
      return { id: config.id, url: this.o.serveUrl, config };
    });
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
    if (this.stopped || (wakeable && this.wakeRequested)) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (wakeable) {
          this.wakeFn = undefined;
          this.wakeRequested = false;
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.wakeFn = done;
    });
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
      await this.fireCrons();
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
    if (event.name === CRON_EVENT) return []; // timer events are created with their one run (fireCrons)
    const runs: store.NewRun[] = [];
    for (const fn of this.functions.values()) {
      if (!this.triggers(fn, event)) continue;
      const keys = this.concurrencyKeys(fn, event);
      const batchKey = this.batchKey(fn, event);
      // A batched function's event whose key already has a run going (or about to start) waits:
      // the next run of that key to start takes it along (see dispatchDue and advance).
      const joinsBatch = batchKey !== undefined && (this.activeBatches.has(batchKey) || slots.batchKeys.has(batchKey));
      const leased = !joinsBatch && slots.take(keys);
      if (leased && batchKey !== undefined) slots.batchKeys.add(batchKey);
      if (joinsBatch) this.saturated = true; // a run of that key ending looks for it at once
      runs.push({
        functionId: fn.id,
        maxAttempts: maxAttempts(fn.config),
        idempotencyKey: this.idempotencyKey(fn, event),
        concurrencyKeys: keys.map((k) => k.key),
        batchKey,
        leased,
      });
    }
    return runs;
  }

  /** Starts the created runs this executor claimed; the others wait for a slot (dispatchDue). */
  private startCreated(runs: EngineRun[], slots: SlotPlan): void {
    for (const row of runs) {
      if (row.leaseOwner === this.owner && slots.hand(row.concurrencyKeys)) this.startRun(row, this.keysOf(row.functionId, row.concurrencyKeys));
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

  private triggers(fn: RegisteredFunction, event: EventPayload): boolean {
    return fn.config.triggers.some((t) => {
      if (!("event" in t) || !eventNameMatches(t.event, event.name)) return false;
      if (!t.expression) return true;
      try {
        return Boolean(evaluate(t.expression, { event }));
      } catch (err) {
        this.o.logger.warn(`[engine] ${fn.id}: trigger expression skipped: ${(err as Error).message}`);
        return false;
      }
    });
  }

  /**
   * The batch an event's run joins (batchEvents.key, or the whole function), or undefined when
   * the function does not batch or the event fails batchEvents.if (it then runs on its own).
   */
  private batchKey(fn: RegisteredFunction, event: EventPayload): string | undefined {
    const batch = fn.config.batchEvents;
    if (!batch) return undefined;
    try {
      if (batch.if && evaluate(batch.if, { event }) !== true) return undefined;
      return `${fn.id}\u001f${batch.key ? JSON.stringify(evaluate(batch.key, { event }) ?? null) : ""}`;
    } catch (err) {
      this.o.logger.warn(`[engine] ${fn.id}: batch key expression ignored: ${(err as Error).message}`);
      return undefined;
    }
  }

  private idempotencyKey(fn: RegisteredFunction, event: EventPayload): string | undefined {
    if (!fn.config.idempotency) return undefined;
    try {
      const v = evaluate(fn.config.idempotency, { event });
      return v === null || v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    } catch (err) {
      this.o.logger.warn(`[engine] ${fn.id}: idempotency expression ignored: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async fireCrons(): Promise<void> {
    const now = new Date();
    for (const c of await store.dueCrons(now)) {
      if (!this.functions.has(c.functionId)) continue;
      const fn = this.functions.get(c.functionId)!;
      if (!(await store.advanceCron(c.functionId, c.schedule, c.nextAt, nextCronTime(c.schedule, now)))) continue;
      // Missed ticks while stopped fire once, not once per missed minute.
      const event: EventPayload = {
        id: `cron:${c.functionId}:${c.schedule}:${c.nextAt.toISOString()}`,
        name: CRON_EVENT,
        data: { cron: c.schedule },
        ts: now.getTime(),
      };
      // Stored as matched: the timer event starts this function only. The cron's CAS above
      // already made this executor the only one to fire it.
      const keys = this.concurrencyKeys(fn, event).map((k) => k.key);
      await store.insertEvents([event], { runsFor: () => [{ functionId: fn.id, maxAttempts: maxAttempts(fn.config), concurrencyKeys: keys }] });
      this.saturated = true;
    }
  }

  private concurrencyKeys(fn: RegisteredFunction | undefined, event: unknown): { key: string; limit: number }[] {
    if (!fn) return [];
    return concurrencyLimits(fn.config).map(({ limit, key }) => {
      let value = "";
      if (key) {
        try {
          value = JSON.stringify(evaluate(key, { event }));
        } catch {
          value = ""; // an unsupported key expression limits the whole function instead
        }
      }
      return { key: `${fn.id}\u001f${key ?? ""}\u001f${value}`, limit };
    });
  }

  private lease(): store.Lease {
    return { owner: this.owner, until: new Date(Date.now() + this.o.leaseMs) };
  }

  /** Claims due runs for the free slots, leaving out those whose concurrency key is full. */
  private async dispatchDue(): Promise<void> {
    this.saturated = false;
    // One run per batch key starts in a call; the others of that key wait to join it (advance).
    const batchesStarted = new Set<string>();
    const now = Date.now();
    // A few rounds: runs of one busy key fill its limit in the first, and the next query leaves
    // that key out, so one slow endpoint never starves the rest.
    for (let round = 0; round < 3 && !this.stopped; round++) {
      const free = this.o.maxConcurrentCalls - this.busy;
      if (free <= 0) {
        this.saturated = true;
        return;
      }
      const limit = Math.min(500, free * 2);
      const rows = await store.dueRuns(new Date(), limit, this.fullKeys());
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
          if (!slots.take(this.keysOf(r.functionId, r.concurrencyKeys))) return false;
          if (r.batchKey !== null) batchesStarted.add(r.batchKey);
          return true;
        });
        if (picked.length < rows.length || rows.length === limit) this.saturated = true;
        const lease = this.lease();
        for (const row of await store.claimRuns(picked.map((r) => r.id), lease.owner, lease.until)) {
          slots.hand(row.concurrencyKeys); // each claimed row was picked with a slot for its keys
          let keys = this.keysOf(row.functionId, row.concurrencyKeys);
          if (row.concurrencyKeys.length === 0) {
            // A run stored before runs kept their keys: work them out from its event now.
            keys = this.concurrencyKeys(this.functions.get(row.functionId), row.event);
            if (keys.some((k) => (this.keyCounts.get(k.key) ?? 0) >= k.limit)) {
              this.release([]);
              await store.releaseLease(row.id, this.owner);
              this.saturated = true;
              continue;
            }
            this.countKeys(keys);
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
   * Whether a waiting run of a batched function should go on collecting events: while a run of
   * its key is in flight here, until its batch's timeout (batchEvents.timeout, counted from the
   * oldest waiting event). When that run ends the batch starts at once; a key with nothing in
   * flight starts at once too (see runsFor), so a batch never waits for a quiet key.
   */
  private keepsFilling(r: store.DueRun, now: number): boolean {
    if (!this.activeBatches.has(r.batchKey!)) return false;
    const timeout = this.functions.get(r.functionId)?.config.batchEvents?.timeout;
    const ms = (timeout ? parseTimeString(timeout) : undefined) ?? 1_000;
    return now - r.createdAt.getTime() < ms;
  }

  /** The stored keys of a run with their limits from its function's current config. */
  private keysOf(functionId: string, stored: string[]): { key: string; limit: number }[] {
    const fn = this.functions.get(functionId);
    if (!fn || stored.length === 0) return [];
    const limits = concurrencyLimits(fn.config);
    return stored.flatMap((key) => {
      const expr = key.split("\u001f")[1] ?? "";
      const l = limits.find((x) => (x.key ?? "") === expr);
      return l ? [{ key, limit: l.limit }] : [];
    });
  }

  /** Keys at their limit in this executor right now. */
  private fullKeys(): string[] {
    return [...this.keyCounts].filter(([key, n]) => n >= (this.keyLimits.get(key) ?? Infinity)).map(([key]) => key);
  }

  /** Takes a slot, and room under each key, for one run; false when there is none. */
  reserve(keys: { key: string; limit: number }[]): boolean {
    if (this.busy >= this.o.maxConcurrentCalls) return false;
    if (keys.some((k) => (this.keyCounts.get(k.key) ?? 0) >= k.limit)) return false;
    this.busy++;
    this.countKeys(keys);
    return true;
  }

  private countKeys(keys: { key: string; limit: number }[]): void {
    for (const k of keys) {
      this.keyCounts.set(k.key, (this.keyCounts.get(k.key) ?? 0) + 1);
      this.keyLimits.set(k.key, k.limit);
    }
  }

  /** Gives back what reserve() took. */
  release(keys: { key: string }[]): void {
    this.busy--;
    for (const k of keys) {
      const n = (this.keyCounts.get(k.key) ?? 1) - 1;
      if (n > 0) this.keyCounts.set(k.key, n);
      else {
        this.keyCounts.delete(k.key);
        this.keyLimits.delete(k.key);
      }
    }
    if (this.saturated) this.wake(); // a slot freed with work waiting for one
  }

  /** Works a claimed run in the background, in a slot already reserved for it; the slot frees when that ends. */
  private startRun(row: EngineRun, keys: { key: string; limit: number }[]): void {
    const fn = this.functions.get(row.functionId);
    const abort = new AbortController();
    const batch = row.batchKey;
    if (batch !== null) this.activeBatches.set(batch, (this.activeBatches.get(batch) ?? 0) + 1);
    const done = this.advance(row, fn, abort)
      .catch((err) => this.o.logger.error(`[engine] run ${row.id} failed to advance`, err))
      .finally(() => {
        this.inflight.delete(row.id);
        if (batch !== null) {
          const n = this.activeBatches.get(batch)! - 1;
          if (n > 0) this.activeBatches.set(batch, n);
          else this.activeBatches.delete(batch);
        }
        this.release(keys);
      });
    this.inflight.set(row.id, { abort, done });
  }

  /**
   * Works a claimed run: its due calls one after the other, saving after each, until it ends,
   * waits (a retry, a sleep) or has made MAX_CALLS_IN_A_ROW calls; then releases it.
   */
  private async advance(run: EngineRun, fn: RegisteredFunction | undefined, abort: AbortController): Promise<void> {
    const state = new RunState(run, this.o.backoff);
    if (!fn) {
      state.fail({ name: "Error", message: `Function ${run.functionId} is not registered; sync the app` });
      await this.save(run, state, fn, false);
      return;
    }
    if (fn.config.batchEvents && run.batchKey && run.calls === 0) {
      // A batch starts with its first run: the runs of the same key that wait to start join it
      // (up to maxSize events). Runs wait only while their key has a run in flight (runsFor,
      // keepsFilling), so a lone event starts at once and latency stays low when the key is quiet.
      const events = await store.absorbBatch(run.id, this.owner, run.functionId, run.batchKey, fn.config.batchEvents.maxSize - (run.events as unknown[]).length);
      if (events === null) return; // the lease was lost: another executor has the run
      run.events = events as EngineRun["events"];
    }
    let savedAt = Date.now();
    for (let calls = 0; ; calls++) {
      const item = state.takeDue(Date.now());
      if (!item) {
        // Claimed when due, so only a run whose work vanished gets here on its first round.
        if (calls === 0) state.fail({ name: "Error", message: "Run has no pending work" });
        await this.save(run, state, fn, false);
        return;
      }
      if (item.kind === "sleep") {
        state.memoize(item.stepId, { type: "data", data: null });
        state.continueIfIdle(Date.now());
      } else {
        const reply = await this.call(run, fn, state, item, abort);
        if (reply === "stopping") {
          await store.releaseLease(run.id, this.owner);
          return;
        }
        state.apply(item, reply, Date.now());
      }
      const goOn = state.status === "running" && !this.stopped && calls + 1 < MAX_CALLS_IN_A_ROW && state.dueAt() <= Date.now();
      // Between calls made back to back the state stays in memory, under the lease: a crash
      // there runs the last steps again, as Inngest's at-least-once steps allow. It is saved
      // whenever the run leaves this loop, and at least every SAVE_EVERY_MS while it is in it.
      if (goOn && Date.now() - savedAt < SAVE_EVERY_MS) continue;
      if (!(await this.save(run, state, fn, goOn)) || !goOn) return;
      savedAt = Date.now();
    }
  }

  private async call(
    run: EngineRun,
    fn: RegisteredFunction,
    state: RunState,
    item: Extract<WorkItem, { kind: "call" }>,
    abort: AbortController,
  ): Promise<Reply | "stopping"> {
    // Never the stored URL: only the serve URL this executor was started with (see register).
    const url = new URL(this.o.serveUrl);
    url.searchParams.set("fnId", fn.id);
    url.searchParams.set("stepId", item.stepId);
    const body = canonicalJson({
      event: run.event,
      events: run.events,
      steps: state.steps,
      ctx: {
        run_id: run.id,
        attempt: item.attempt,
        max_attempts: run.maxAttempts,
        disable_immediate_execution: state.disableImmediate,
        use_api: false,
        stack: { stack: state.stack, current: state.stack.length },
      },
      version: 2,
    });
    const timeout = setTimeout(() => abort.abort("timeout"), this.o.callTimeoutMs);
    const heartbeat = setInterval(() => {
      store.renewLease(run.id, this.owner, new Date(Date.now() + this.o.leaseMs)).catch(() => {});
    }, Math.max(1_000, this.o.leaseMs / 3));
    state.calls++;
    this.stats.calls++;
    try {
      const res = await inProcessFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inngest-signature": signatureHeader(body, this.o.signingKey),
          "x-inngest-server-kind": "cloud",
        },
        body,
        signal: abort.signal,
      });
      const text = await res.text();
      // The SDK signs every reply to a request it verified; anything else did not run our code.
      if (!verifySignature(text, res.headers.get("x-inngest-signature"), this.o.signingKey)) {
        return { kind: "error", message: `The serve endpoint's reply (HTTP ${res.status}) is not signed with this executor's key`, countsAsAttempt: true };
      }
      return { kind: "http", status: res.status, headers: res.headers, text };
    } catch (err) {
      if (abort.signal.reason === STOPPING) return "stopping";
      if (abort.signal.reason === "timeout") {
        return { kind: "error", message: `Call timed out after ${this.o.callTimeoutMs} ms`, countsAsAttempt: true };
      }
      // Unreachable app (restarting, not listening yet): try again soon without using an attempt.
      return { kind: "error", message: `Serve endpoint unreachable: ${(err as Error).message}`, countsAsAttempt: false };
    } finally {
      clearTimeout(timeout);
      clearInterval(heartbeat);
    }
  }

  /** Stores the run's state; `keepLease` when its next call follows at once. False if the lease was lost. */
  private async save(run: EngineRun, state: RunState, fn: RegisteredFunction | undefined, keepLease: boolean): Promise<boolean> {
    const saved = await store.saveRun(run.id, this.owner, state.update(), keepLease ? this.lease().until : undefined);
    if (!saved) {
      this.o.logger.warn(`[engine] run ${run.id}: lease lost during a call; result discarded`);
      return false;
    }
    const isFailureHandler = fn?.config.triggers.some((t) => "event" in t && t.event === FUNCTION_FAILED_EVENT);
    if (state.status === "failed" && !isFailureHandler) {
      // Triggers the function's onFailure handler (`<id>-failure`), as Inngest does.
      await this.ingest([
        {
          id: `${run.id}:failed`,
          name: FUNCTION_FAILED_EVENT,
          data: { function_id: run.functionId, run_id: run.id, error: state.error, event: run.event, events: run.events },
          ts: Date.now(),
        },
      ]);
    }
    return true;
  }
}

/** Calls of one run made back to back before it goes back in line behind the others. */
const MAX_CALLS_IN_A_ROW = 20;
/** How long a run's progress may stay unsaved while its calls follow one another. */
const SAVE_EVERY_MS = 1_000;

/**
 * The slots reserved while planning one batch of runs. A run that is then created or claimed is
 * handed its slot (same keys); what no run took is released.
 */
class SlotPlan {
  private readonly held: { key: string; limit: number }[][] = [];
  /** Batch keys a run is planned to start for: the other events of such a key join it. */
  readonly batchKeys = new Set<string>();

  constructor(private readonly executor: Pick<Executor, "reserve" | "release">) {}

  take(keys: { key: string; limit: number }[]): boolean {
    if (!this.executor.reserve(keys)) return false;
    this.held.push(keys);
    return true;
  }

  /** Hands a reserved slot with these keys to a run; false if none is left. */
  hand(keys: string[]): boolean {
    const i = this.held.findIndex((h) => h.length === keys.length && h.every((k, j) => k.key === keys[j]));
    if (i < 0) return false;
    this.held.splice(i, 1);
    return true;
  }

  releaseRest(): void {
    for (const keys of this.held.splice(0)) this.executor.release(keys);
  }
}

type Reply =
  | { kind: "http"; status: number; headers: Headers; text: string }
  | { kind: "error"; message: string; countsAsAttempt: boolean };

/** A run's state while one piece of its work is done, and the rules that move it on. */
class RunState {
  steps: Record<string, StepState>;
  stack: string[];
  queue: WorkItem[];
  disableImmediate: boolean;
  calls: number;
  status: "running" | "completed" | "failed" = "running";
  output: unknown;
  error: unknown;
  private readonly maxAttempts: number;

  constructor(
    run: EngineRun,
    private readonly backoff: (attempt: number) => number,
  ) {
    this.steps = { ...(run.steps as Record<string, StepState>) };
    this.stack = [...(run.stack as string[])];
    this.queue = [...(run.queue as WorkItem[])];
    this.disableImmediate = run.disableImmediate;
    this.calls = run.calls;
    this.maxAttempts = run.maxAttempts;
  }

  takeDue(now: number): WorkItem | undefined {
    let best = -1;
    this.queue.forEach((q, i) => {
      if (q.at <= now && (best < 0 || q.at < this.queue[best]!.at)) best = i;
    });
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  /** When the earliest pending work is due (Infinity when none). */
  dueAt(): number {
    return this.queue.reduce((min, q) => Math.min(min, q.at), Infinity);
  }

  memoize(stepId: string, value: StepState): void {
    if (!(stepId in this.steps)) this.stack.push(stepId);
    this.steps[stepId] = value;
    this.queue = this.queue.filter((q) => q.stepId !== stepId);
  }

  /** After a step ends, ask the SDK what comes next unless parallel steps are still pending. */
  continueIfIdle(now: number): void {
    if (this.status !== "running") return;
    if (!this.queue.some((q) => q.kind === "call")) this.queue.push({ kind: "call", stepId: "step", attempt: 0, at: now });
  }

  complete(output: unknown): void {
    this.status = "completed";
    this.output = output;
  }

  fail(error: unknown): void {
    this.status = "failed";
    this.error = error;
  }

  private enqueue(item: WorkItem): void {
    if (item.stepId in this.steps || this.queue.some((q) => q.stepId === item.stepId)) return;
    this.queue.push(item);
  }

  /** Schedules attempt+1 of `item`, honouring retry-after exactly; false once attempts are used up. */
  private retry(item: Extract<WorkItem, { kind: "call" }>, retryAfter: string | null, now: number): boolean {
    const attempt = item.attempt + 1;
    if (attempt >= this.maxAttempts) return false;
    const at = parseRetryAfter(retryAfter, now) ?? now + this.backoff(attempt);
    this.queue.push({ ...item, attempt, at });
    return true;
  }

  apply(item: Extract<WorkItem, { kind: "call" }>, reply: Reply, now: number): void {
    if (reply.kind === "error") {
      if (!reply.countsAsAttempt) {
        this.queue.push({ ...item, at: now + 2_000 });
      } else if (!this.retry(item, null, now)) {
        this.fail({ name: "Error", message: reply.message });
      }
      return;
    }
    const { status, headers, text } = reply;
    const body = parseJson(text);
    if (status === 200) return this.complete(body);
    if (status === 206) return this.applyOps(item, body, headers, now);
    const noRetry = headers.get("x-inngest-no-retry") === "true";
    const error = isErrorLike(body) ? body : { name: "Error", message: `Serve endpoint answered ${status}: ${text.slice(0, 500)}` };
    // Without the SDK's x-inngest-no-retry (a 401, 404 or 502 from something else) it is retried too.
    if (noRetry || !this.retry(item, headers.get("retry-after"), now)) this.fail(error);
  }

  private applyOps(item: Extract<WorkItem, { kind: "call" }>, body: unknown, headers: Headers, now: number): void {
    const list = Array.isArray(body) ? body : [body];
    const ops: Op[] = [];
    for (const raw of list) {
      const parsed = opSchema.safeParse(raw);
      if (!parsed.success) return this.fail({ name: "Error", message: `Malformed op from the SDK: ${JSON.stringify(raw).slice(0, 300)}` });
      ops.push(parsed.data);
    }
    let memoized = false;
    let planned = 0;
    for (const op of ops) {
      switch (op.op) {
        case OP.StepRun:
        case OP.Step:
          this.memoize(op.id, { type: "data", data: op.data ?? null });
          memoized = true;
          break;
        case OP.StepFailed:
          this.memoize(op.id, { type: "error", error: op.error ?? op.data ?? { name: "Error", message: "Step failed" } });
          memoized = true;
          break;
        case OP.StepError: {
          // The step threw and may run again; the SDK sends StepFailed on the last attempt.
          // A step run during discovery (stepId "step") is retried by its own id.
          const retryItem = { kind: "call" as const, stepId: op.id, attempt: item.attempt, at: now };
          if (!this.retry(retryItem, headers.get("retry-after"), now)) {
            this.memoize(op.id, { type: "error", error: op.error ?? { name: "Error", message: "Step failed" } });
            memoized = true;
          }
          break;
        }
        case OP.StepPlanned:
          planned++;
          this.enqueue({ kind: "call", stepId: op.id, attempt: 0, at: now });
          break;
        case OP.Sleep: {
          const value = typeof op.opts?.duration === "string" ? op.opts.duration : (op.name ?? "");
          const at = sleepUntil(value, now);
          if (at === undefined) return this.fail({ name: "Error", message: `Invalid sleep "${value}"` });
          this.enqueue({ kind: "sleep", stepId: op.id, at });
          break;
        }
        case OP.RunComplete:
          return this.complete(op.data ?? null);
        case OP.StepNotFound:
        case OP.DiscoveryRequest:
          memoized = true; // ask the SDK again
          break;
        default:
          // waitForEvent, invoke, step.ai, fetch gateway, signals, defer: not implemented here.
          return this.fail({
            name: "NonRetriableError",
            message: `The embedded executor does not support "${op.op}" (step "${op.displayName ?? op.name ?? op.id}"); use Inngest Cloud or inngest start`,
          });
      }
    }
    if (planned > 1) this.disableImmediate = true; // SDK spec 5.5
    if (memoized) this.continueIfIdle(now);
    if (this.status === "running" && this.queue.length === 0) {
      this.fail({ name: "Error", message: "The SDK reported no further work and no result" });
    }
  }

  update(): store.RunUpdate {
    return {
      steps: this.steps,
      stack: this.stack,
      queue: this.queue,
      disableImmediate: this.disableImmediate,
      status: this.status,
      output: this.output,
      error: this.error,
      calls: this.calls,
    };
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isErrorLike(v: unknown): v is { message: string } {
  return typeof v === "object" && v !== null && typeof (v as { message?: unknown }).message === "string";
}

/** Exact names, or a trailing `*` wildcard as Inngest allows (`app/user.*`). */
function eventNameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
