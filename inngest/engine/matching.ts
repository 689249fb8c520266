// Which functions an event starts, and the keys its runs carry: trigger names and `if`
// expressions, the batch key, the idempotency key and the concurrency keys (each with its limit),
// all worked out from the function's synced config. Pure: no I/O, no executor state.
import { concurrencyLimits } from "@/inngest/engine/protocol";
import { evaluate } from "@/inngest/engine/expression";
import type { Logger } from "@/inngest/engine/options";
import type { EventPayload, RegisteredFunction } from "@/inngest/engine/store";

/** A concurrency key of a run and the most runs of that key allowed at once. */
export type KeyLimit = { key: string; limit: number };

/** Whether `event` starts `fn`: a trigger with its name (or wildcard) and a passing `if`. */
export function triggers(fn: RegisteredFunction, event: EventPayload, logger: Logger): boolean {
  return fn.config.triggers.some((t) => {
    if (!("event" in t) || !eventNameMatches(t.event, event.name)) return false;
    if (!t.expression) return true;
    try {
      return Boolean(evaluate(t.expression, { event }));
    } catch (err) {
      logger.warn(`[engine] ${fn.id}: trigger expression skipped: ${(err as Error).message}`);
      return false;
    }
  });
}

/**
 * The batch an event's run joins (batchEvents.key, or the whole function), or undefined when
 * the function does not batch or the event fails batchEvents.if (it then runs on its own).
 */
export function batchKey(fn: RegisteredFunction, event: EventPayload, logger: Logger): string | undefined {
  const batch = fn.config.batchEvents;
  if (!batch) return undefined;
  try {
    if (batch.if && evaluate(batch.if, { event }) !== true) return undefined;
    return `${fn.id}\u001f${batch.key ? JSON.stringify(evaluate(batch.key, { event }) ?? null) : ""}`;
  } catch (err) {
    logger.warn(`[engine] ${fn.id}: batch key expression ignored: ${(err as Error).message}`);
    return undefined;
  }
}

export function idempotencyKey(fn: RegisteredFunction, event: EventPayload, logger: Logger): string | undefined {
  if (!fn.config.idempotency) return undefined;
  try {
    const v = evaluate(fn.config.idempotency, { event });
    return v === null || v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  } catch (err) {
    logger.warn(`[engine] ${fn.id}: idempotency expression ignored: ${(err as Error).message}`);
    return undefined;
  }
}

export function concurrencyKeys(fn: RegisteredFunction | undefined, event: unknown): KeyLimit[] {
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

/** The stored keys of a run with their limits from its function's current config. */
export function keysOf(fn: RegisteredFunction | undefined, stored: string[]): KeyLimit[] {
  if (!fn || stored.length === 0) return [];
  const limits = concurrencyLimits(fn.config);
  return stored.flatMap((key) => {
    const expr = key.split("\u001f")[1] ?? "";
    const l = limits.find((x) => (x.key ?? "") === expr);
    return l ? [{ key, limit: l.limit }] : [];
  });
}

/** Exact names, or a trailing `*` wildcard as Inngest allows (`app/user.*`). */
function eventNameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
