// The hand-off from "rows committed" to "sent". Event ingestion and endpoint resume call
// dispatchDeliveries(ids) after their transaction commits, with the ids of deliveries that are
// now `pending`, oldest first. The delivery engine registers the real sender at start-up
// (setDeliveryDispatcher); until then this is a no-op. A failing dispatcher is logged, never
// thrown to the API caller: the rows are already durable, and every pending row is due (its
// `nextAttemptAt`, or when it became pending), so the sweeper (lib/deliveries/sweep.ts) re-arms
// and re-sends any that nothing sent within its staleness window, whatever their attempts so far.

import { STALE_AFTER_MS } from "@/lib/deliveries/sweep";
import { briefError, log } from "@/lib/observability/log";
import { runtime, type DeliveryDispatcher, type DeliveryRef } from "@/lib/runtime/runtime";

// The dispatcher is the process's (lib/runtime/runtime.ts): route handlers and instrumentation
// are separate module graphs, and must find the one start-up installed.
export type { DeliveryDispatcher, DeliveryRef };

/** Installs the function that sends deliveries (one Inngest event each); returns the previous one. */
export function setDeliveryDispatcher(fn: DeliveryDispatcher | undefined): DeliveryDispatcher | undefined {
  const state = runtime().dispatch;
  const prev = state.dispatcher;
  state.dispatcher = fn;
  return prev;
}

export async function dispatchDeliveries(deliveries: DeliveryRef[]): Promise<void> {
  const fn = runtime().dispatch.dispatcher;
  if (!fn || deliveries.length === 0) return;
  try {
    await fn(deliveries);
  } catch (err) {
    // Expected while the executor is unreachable: nothing is lost, so no stack.
    log.warn(
      { deliveries: deliveries.length, error: briefError(err), resent_within_minutes: Math.round((STALE_AFTER_MS + 60_000) / 60_000) },
      "dispatching deliveries failed; they stay pending and due, and the delivery sweeper re-sends them",
    );
  }
}
