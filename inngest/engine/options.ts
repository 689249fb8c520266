// The executor's options, their defaults, and what every part of it is handed once they are set.
import { defaultBackoff } from "@/inngest/engine/time";

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
  /**
   * A batched function's event starts a run of its own while its batch key has fewer runs than
   * this in flight here; at or past it, events wait to join the key's next run (a batch). 1 makes
   * every event behind a run in flight wait for it to end; more lets a key's events go at once at
   * low rates, batching only under load.
   */
  batchWhenBusy?: number;
  /** How long a claim on a run lasts without renewal; bounds recovery after a crash. */
  leaseMs?: number;
  /** Delay before retry `attempt` when the app sent no retry-after. */
  backoff?: (attempt: number) => number;
  /** Ended runs and old events are deleted after this long. */
  retentionMs?: number;
  logger?: Logger;
}

export type ResolvedOptions = Required<Omit<ExecutorOptions, "logger">> & { logger: Logger };

export function resolveOptions(options: ExecutorOptions): ResolvedOptions {
  return {
    pollIntervalMs: 250,
    maxConcurrentCalls: 200,
    batchWhenBusy: 3,
    callTimeoutMs: 10 * 60_000,
    leaseMs: 30_000,
    backoff: defaultBackoff,
    retentionMs: 7 * 86_400_000,
    logger: console,
    ...options,
  };
}
