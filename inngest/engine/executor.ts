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
import { canonicalJson, signatureHeader } from "@/inngest/engine/signing";
import * as store from "@/inngest/engine/store";
import type { EventPayload, RegisteredFunction, StepState, WorkItem } from "@/inngest/engine/store";
import { defaultBackoff, parseRetryAfter, sleepUntil } from "@/inngest/engine/time";

export type Logger = Pick<Console, "info" | "warn" | "error">;

export interface ExecutorOptions {
  serveUrl: string;
  signingKey: string;
  /** How often the database is polled for due work (new events also wake the loop at once). */
  pollIntervalMs?: number;
  /** Calls in flight at once, over all functions. */
  maxConcurrentCalls?: number;
  /** A call that takes longer counts as a failed attempt. */
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
  private prunedAt = 0;
  readonly stats = { events: 0, calls: 0, syncs: 0 };

  constructor(options: ExecutorOptions) {
    this.o = {
      pollIntervalMs: 250,
      maxConcurrentCalls: 10,
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
    const reply = inBandSyncSchema.parse(JSON.parse(text));
    await this.register(reply.app_id, reply.functions);
  }

  /** Stores the app's functions (from either kind of sync) and lets runs go. */
  async register(appId: string, configs: FunctionConfig[]): Promise<void> {
    const fns = configs.map((config) => {
      const step = config.steps.step ?? Object.values(config.steps)[0];
      if (!step) throw new Error(`sync: function ${config.id} has no step runtime`);
      return { id: config.id, url: step.runtime.url, config };
    });
    await store.saveFunctions(appId, fns);
    this.functions = new Map((await store.loadFunctions()).map((f) => [f.id, f]));
    this.stats.syncs++;
    this.synced = true;
    this.resolveSynced();
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

  private async tick(): Promise<void> {
    if (!this.synced) return; // runs wait for the first sync: it proves the app is up
    await this.matchEvents();
    await this.fireCrons();
    await this.dispatchDue();
    if (Date.now() - this.prunedAt > 10 * 60_000) {
      this.prunedAt = Date.now();
      await store.prune(new Date(Date.now() - this.o.retentionMs));
    }
  }

  private async matchEvents(): Promise<void> {
    for (let batch = 0; batch < 10 && !this.stopped; batch++) {
      const events = await store.unmatchedEvents(100);
      for (const { id, payload } of events) {
        const runs: store.NewRun[] = [];
        if (payload.name !== CRON_EVENT) { // timer events are created matched (fireCrons)
          for (const fn of this.functions.values()) {
            if (!this.triggers(fn, payload)) continue;
            runs.push({ functionId: fn.id, maxAttempts: maxAttempts(fn.config), idempotencyKey: this.idempotencyKey(fn, payload) });
          }
        }
        await store.createRuns(id, payload, runs);
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
      const [eventId] = await store.insertEvents([event], { matched: true });
      await store.createRuns(eventId!, event, [{ functionId: fn.id, maxAttempts: maxAttempts(fn.config) }], { claim: false });
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
      return { key: `${fn.id}\u0000${key ?? ""}\u0000${value}`, limit };
    });
  }

  private async dispatchDue(): Promise<void> {
    const now = new Date();
    // Runs held back by a concurrency key (one slow endpoint) must not starve the rest: page on,
    // within a bound, until the free slots are filled.
    for (let page = 0; page < 5; page++) {
      if (this.stopped || this.inflight.size >= this.o.maxConcurrentCalls) return;
      const rows = await store.dueRuns(now, 100, page * 100);
      await this.dispatchRows(rows);
      if (rows.length < 100) return;
    }
  }

  private async dispatchRows(rows: EngineRun[]): Promise<void> {
    for (const row of rows) {
      if (this.stopped || this.inflight.size >= this.o.maxConcurrentCalls) return;
      if (this.inflight.has(row.id)) continue;
      const fn = this.functions.get(row.functionId);
      const keys = this.concurrencyKeys(fn, row.event);
      if (keys.some((k) => (this.keyCounts.get(k.key) ?? 0) >= k.limit)) continue;
      if (!(await store.claimRun(row.id, this.owner, new Date(Date.now() + this.o.leaseMs)))) continue;
      for (const k of keys) this.keyCounts.set(k.key, (this.keyCounts.get(k.key) ?? 0) + 1);
      const abort = new AbortController();
      const done = this.advance(row.id, fn, abort)
        .catch((err) => this.o.logger.error(`[engine] run ${row.id} failed to advance`, err))
        .finally(() => {
          for (const k of keys) this.keyCounts.set(k.key, (this.keyCounts.get(k.key) ?? 1) - 1);
          this.inflight.delete(row.id);
          this.wake();
        });
      this.inflight.set(row.id, { abort, done });
    }
  }

  /** Does the earliest due piece of work of a claimed run: one call, or the end of a sleep. */
  private async advance(runId: string, fn: RegisteredFunction | undefined, abort: AbortController): Promise<void> {
    const run = await store.getRun(runId);
    const now = Date.now();
    if (!run || run.leaseOwner !== this.owner || !run.nextAt || run.nextAt.getTime() > now) {
      await store.releaseLease(runId, this.owner);
      return;
    }
    const state = new RunState(run, this.o.backoff);
    if (!fn) {
      state.fail({ name: "Error", message: `Function ${run.functionId} is not registered; sync the app` });
      return this.save(run, state, fn);
    }
    const item = state.takeDue(now);
    if (!item) {
      state.fail({ name: "Error", message: "Run has no pending work" });
      return this.save(run, state, fn);
    }
    if (item.kind === "sleep") {
      state.memoize(item.stepId, { type: "data", data: null });
      state.continueIfIdle(now);
      return this.save(run, state, fn);
    }
    const reply = await this.call(run, fn, state, item, abort);
    if (reply === "stopping") return store.releaseLease(runId, this.owner);
    state.apply(item, reply, Date.now());
    return this.save(run, state, fn);
  }

  private async call(
    run: EngineRun,
    fn: RegisteredFunction,
    state: RunState,
    item: Extract<WorkItem, { kind: "call" }>,
    abort: AbortController,
  ): Promise<Reply | "stopping"> {
    const url = new URL(fn.url);
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
      const res = await fetch(url, {
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

  private async save(run: EngineRun, state: RunState, fn: RegisteredFunction | undefined): Promise<void> {
    const saved = await store.saveRun(run.id, this.owner, state.update());
    if (!saved) {
      this.o.logger.warn(`[engine] run ${run.id}: lease lost during a call; result discarded`);
      return;
    }
    const isFailureHandler = fn?.config.triggers.some((t) => "event" in t && t.event === FUNCTION_FAILED_EVENT);
    if (state.status === "failed" && !isFailureHandler) {
      // Triggers the function's onFailure handler (`<id>-failure`), as Inngest does.
      await store.insertEvents([
        {
          id: `${run.id}:failed`,
          name: FUNCTION_FAILED_EVENT,
          data: { function_id: run.functionId, run_id: run.id, error: state.error, event: run.event, events: run.events },
          ts: Date.now(),
        },
      ]);
      this.wake();
    }
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
