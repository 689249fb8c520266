// A run's state while the executor works it: memoized steps, the queue of pending work, and the
// rules that turn the SDK's replies (SDK protocol v2: 200, 206 with ops, errors) into the next
// work. Pure: no I/O, so each rule can be read (and tested) on its own.
import { OP, opSchema, type Op } from "@/inngest/engine/protocol";
import type { RunUpdate, StepState, WorkItem } from "@/inngest/engine/store";
import { parseRetryAfter, sleepUntil } from "@/inngest/engine/time";
import type { EngineRun } from "@/lib/generated/prisma/client";

/** What a call to the serve endpoint came back with. */
export type Reply =
  | { kind: "http"; status: number; headers: Headers; text: string }
  | { kind: "error"; message: string; countsAsAttempt: boolean };

/** A run's state while one piece of its work is done, and the rules that move it on. */
export class RunState {
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

  update(): RunUpdate {
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
