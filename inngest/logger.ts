// The Inngest SDK's logger (client option `logger`): its lines go through the app's logger
// (lib/observability/log.ts). The SDK logs every step that throws as "Inngest step error" with
// the whole error at level error; for a delivery that is the expected way to ask for a retry
// (RetryAfterError) or to give up (NonRetriableError), already logged at info by the delivery
// itself (lib/deliveries/attempt-delivery.ts), so those go to debug without a stack. Anything
// else a function throws is a bug: error, with its stack.
import type { Logger as InngestLogger } from "inngest";
import { briefError, log, type Logger } from "@/lib/observability/log";

/** Errors our functions throw on purpose: outcomes, not failures of the code. */
const EXPECTED = new Set(["RetryAfterError", "NonRetriableError"]);

function isExpected(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (EXPECTED.has(err.name) || EXPECTED.has(err.constructor?.name)) return true;
  // After the last retry the SDK reports the step's error wrapped (StepError) or as its serialized
  // form: expected when what it wraps was.
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isExpected(cause);
}

type Level = "info" | "warn" | "error" | "debug";

export function inngestLogger(base: Logger = log): InngestLogger & { child(fields: Record<string, unknown>): InngestLogger } {
  const write = (level: Level, args: unknown[]) => {
    const [first, ...rest] = args;
    const msg = rest.filter((a) => typeof a === "string").join(" ");
    if (first instanceof Error) return write(level, [{ err: first }, ...rest]);
    if (first && typeof first === "object") {
      const fields = { ...(first as Record<string, unknown>), component: "inngest" };
      if ("err" in fields && isExpected(fields.err)) {
        const { err, ...restFields } = fields;
        base.debug({ ...restFields, reason: briefError(err) }, msg || "step ended with an expected outcome");
        return;
      }
      base[level](fields, msg);
      return;
    }
    base[level]({ component: "inngest" }, args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  return {
    info: (...a) => write("info", a),
    warn: (...a) => write("warn", a),
    error: (...a) => write("error", a),
    debug: (...a) => write("debug", a),
    child: (fields) => inngestLogger(base.child(fields)),
  };
}

/**
 * The embedded executor's logger (its `logger` option, console-shaped: a message, then values).
 * An error with a system or database code (the database restarting, a refused connection) is
 * an outage the executor rides out: warn, no stack. Anything else: error, with its stack.
 */
export function executorLogger(base: Logger = log): Pick<Console, "info" | "warn" | "error"> {
  const write = (level: "info" | "warn" | "error", args: unknown[]) => {
    const msg = args.filter((a) => typeof a === "string").join(" ");
    const err = args.find((a) => a instanceof Error) as (Error & { code?: unknown }) | undefined;
    const fields = { component: "executor" };
    if (!err) return base[level](fields, msg);
    if (typeof err.code === "string") return base.warn({ ...fields, error: { ...briefError(err), code: err.code } }, msg);
    base[level]({ ...fields, err }, msg);
  };
  return { info: (...a) => write("info", a), warn: (...a) => write("warn", a), error: (...a) => write("error", a) };
}
