// Works one claimed run: its due calls to the app's serve endpoint one after the other (SDK
// protocol v2, see docs/SDK_SPEC.md in inngest/inngest), applying each reply to the run's state
// (run-state.ts) and saving it under the executor's lease, until the run ends, waits (a retry, a
// sleep) or has had its turn.
import { channel } from "node:diagnostics_channel";
import type { EngineRun } from "@/lib/generated/prisma/client";
import { inProcessFetch } from "@/inngest/engine/in-process";
import type { ResolvedOptions } from "@/inngest/engine/options";
import { FUNCTION_FAILED_EVENT } from "@/inngest/engine/protocol";
import { RunState, type Reply } from "@/inngest/engine/run-state";
import { canonicalJson, signatureHeader, verifySignature } from "@/inngest/engine/signing";
import * as store from "@/inngest/engine/store";
import type { EventPayload, RegisteredFunction, WorkItem } from "@/inngest/engine/store";

/** What a run's work needs of the executor that claimed it. */
export interface RunContext {
  readonly owner: string;
  readonly options: ResolvedOptions;
  readonly stats: { calls: number };
  stopping(): boolean;
  lease(): store.Lease;
  /** Stores events (here: a run's failure event) and starts their runs. */
  ingest(events: EventPayload[]): Promise<string[]>;
  /** store.absorbBatch, sharing one statement with the other batches starting at the moment (store.absorbBatches). */
  absorbBatch(leader: { id: string; functionId: string; batchKey: string; max: number }): Promise<unknown[] | null>;
  /** store.saveRun, group-committed with the other runs' saves of the moment (store.saveRuns). */
  saveRun(item: store.RunSave): Promise<boolean>;
  /** Extends this executor's lease on a run; renewals falling due together share one statement. */
  renewLease(id: string): Promise<void>;
}

/** Why a call was aborted: the engine stopping leaves the run untouched for the next start. */
export const STOPPING = "engine stopping";

/**
 * Each call as it starts, for whoever subscribes (bench/org-fairness.ts times where a delivery's
 * latency goes): { runId, functionId, events, attempt, at }. Publishing costs nothing when
 * nobody subscribes; the channel is Node's, looked up by name, not state of this module.
 */
export const CALL_STARTED = "gatehouse:engine:call-started";
const callStarted = channel(CALL_STARTED);

/** Calls of one run made back to back before it goes back in line behind the others. */
const MAX_CALLS_IN_A_ROW = 20;
/** How long a run's progress may stay unsaved while its calls follow one another. */
const SAVE_EVERY_MS = 1_000;

/**
 * Works a claimed run: its due calls one after the other, saving after each, until it ends,
 * waits (a retry, a sleep) or has made MAX_CALLS_IN_A_ROW calls; then releases it.
 */
export async function advanceRun(ctx: RunContext, run: EngineRun, fn: RegisteredFunction | undefined, abort: AbortController): Promise<void> {
  const state = new RunState(run, ctx.options.backoff);
  if (!fn) {
    state.fail({ name: "Error", message: `Function ${run.functionId} is not registered; sync the app` });
    await save(ctx, run, state, fn, false);
    return;
  }
  if (fn.config.batchEvents && run.batchKey && run.calls === 0) {
    // A batch starts with its first run: the runs of the same key that wait to start join it
    // (up to maxSize events). Runs wait only while their key has a run in flight (runsFor,
    // keepsFilling), so a lone event starts at once and latency stays low when the key is quiet.
    const events = await ctx.absorbBatch({ id: run.id, functionId: run.functionId, batchKey: run.batchKey, max: fn.config.batchEvents.maxSize - (run.events as unknown[]).length });
    if (events === null) return; // the lease was lost: another executor has the run
    run.events = events as EngineRun["events"];
  }
  let savedAt = Date.now();
  for (let calls = 0; ; calls++) {
    const item = state.takeDue(Date.now());
    if (!item) {
      // Claimed when due, so only a run whose work vanished gets here on its first round.
      if (calls === 0) state.fail({ name: "Error", message: "Run has no pending work" });
      await save(ctx, run, state, fn, false);
      return;
    }
    if (item.kind === "sleep") {
      state.memoize(item.stepId, { type: "data", data: null });
      state.continueIfIdle(Date.now());
    } else {
      const reply = await call(ctx, run, fn, state, item, abort);
      if (reply === "stopping") {
        await store.releaseLease(run.id, ctx.owner);
        return;
      }
      state.apply(item, reply, Date.now());
    }
    const goOn = state.status === "running" && !ctx.stopping() && calls + 1 < MAX_CALLS_IN_A_ROW && state.dueAt() <= Date.now();
    // Between calls made back to back the state stays in memory, under the lease: a crash
    // there runs the last steps again, as Inngest's at-least-once steps allow. It is saved
    // whenever the run leaves this loop, and at least every SAVE_EVERY_MS while it is in it.
    if (goOn && Date.now() - savedAt < SAVE_EVERY_MS) continue;
    if (!(await save(ctx, run, state, fn, goOn)) || !goOn) return;
    savedAt = Date.now();
  }
}

async function call(
  ctx: RunContext,
  run: EngineRun,
  fn: RegisteredFunction,
  state: RunState,
  item: Extract<WorkItem, { kind: "call" }>,
  abort: AbortController,
): Promise<Reply | "stopping"> {
  const o = ctx.options;
  // Never the stored URL: only the serve URL this executor was started with (see sync.ts).
  const url = new URL(o.serveUrl);
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
  const timeout = setTimeout(() => abort.abort("timeout"), o.callTimeoutMs);
  const heartbeat = setInterval(() => {
    ctx.renewLease(run.id).catch(() => {});
  }, Math.max(1_000, o.leaseMs / 3));
  state.calls++;
  ctx.stats.calls++;
  if (callStarted.hasSubscribers) callStarted.publish({ runId: run.id, functionId: fn.id, events: run.events, attempt: item.attempt, at: Date.now() });
  try {
    const res = await inProcessFetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inngest-signature": signatureHeader(body, o.signingKey),
        "x-inngest-server-kind": "cloud",
      },
      body,
      signal: abort.signal,
    });
    const text = await res.text();
    // The SDK signs every reply to a request it verified; anything else did not run our code.
    if (!verifySignature(text, res.headers.get("x-inngest-signature"), o.signingKey)) {
      return { kind: "error", message: `The serve endpoint's reply (HTTP ${res.status}) is not signed with this executor's key`, countsAsAttempt: true };
    }
    return { kind: "http", status: res.status, headers: res.headers, text };
  } catch (err) {
    if (abort.signal.reason === STOPPING) return "stopping";
    if (abort.signal.reason === "timeout") {
      return { kind: "error", message: `Call timed out after ${o.callTimeoutMs} ms`, countsAsAttempt: true };
    }
    // Unreachable app (restarting, not listening yet): try again soon without using an attempt.
    return { kind: "error", message: `Serve endpoint unreachable: ${(err as Error).message}`, countsAsAttempt: false };
  } finally {
    clearTimeout(timeout);
    clearInterval(heartbeat);
  }
}

/** Stores the run's state; `keepLease` when its next call follows at once. False if the lease was lost. */
async function save(ctx: RunContext, run: EngineRun, state: RunState, fn: RegisteredFunction | undefined, keepLease: boolean): Promise<boolean> {
  const saved = await ctx.saveRun({ id: run.id, owner: ctx.owner, update: state.update(), keepLeaseUntil: keepLease ? ctx.lease().until : undefined });
  if (!saved) {
    ctx.options.logger.warn(`[engine] run ${run.id}: lease lost during a call; result discarded`);
    return false;
  }
  const isFailureHandler = fn?.config.triggers.some((t) => "event" in t && t.event === FUNCTION_FAILED_EVENT);
  if (state.status === "failed" && !isFailureHandler) {
    // Triggers the function's onFailure handler (`<id>-failure`), as Inngest does.
    await ctx.ingest([
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
