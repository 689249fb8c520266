// The hand-off from "rows committed" to "sent". Event ingestion and endpoint resume call
// dispatchDeliveries(ids) after their transaction commits, with the ids of deliveries that are
// now `pending`, oldest first. The delivery engine registers the real sender at start-up
// (setDeliveryDispatcher); until then this is a no-op. A failing dispatcher is logged, never
// thrown to the API caller: the rows are already durable, and every pending row is due (its
// `nextAttemptAt`, or when it became pending), so the sweeper (lib/deliveries/sweep.ts) re-arms
// and re-sends any that nothing sent within its staleness window, whatever their attempts so far.

import { STALE_AFTER_MS } from "@/lib/deliveries/sweep";
import { briefError, log } from "@/lib/observability/log";

/**
 * A delivery to send: its id, or (when the caller knows it, e.g. ingestion) the id with its
 * endpoint, which spares the dispatcher a lookup. Only for deliveries never released from hold
 * (a released one's event id includes its release time, which the dispatcher looks up).
 */
export type DeliveryRef = string | { id: string; endpointId: string; orgId: string };

export type DeliveryDispatcher = (deliveries: DeliveryRef[]) => Promise<void>;

type G = { __gatehouseDeliveryDispatcher?: DeliveryDispatcher };
const g = globalThis as G; // shared by every module graph in the process (route handlers, instrumentation)

/** Installs the function that sends deliveries (one Inngest event each); returns the previous one. */
export function setDeliveryDispatcher(fn: DeliveryDispatcher | undefined): DeliveryDispatcher | undefined {
  const prev = g.__gatehouseDeliveryDispatcher;
  g.__gatehouseDeliveryDispatcher = fn;
  return prev;
}

export async function dispatchDeliveries(deliveries: DeliveryRef[]): Promise<void> {
  const fn = g.__gatehouseDeliveryDispatcher;
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
