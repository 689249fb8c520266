// The sends this process has in flight, per endpoint, so that deleting, pausing or re-pointing an
// endpoint can cancel them at once (finding 10: no signed delivery goes to the old URL after the
// API call returns). Across processes the bound is the check each send makes just before it goes
// (the claim in endpoint-throttle.ts). The table is the process's runtime (lib/runtime/runtime.ts):
// the API's route handlers and the serve endpoint may run in different module graphs of one
// process (Next's bundle, the lean layer), and must see one table.
import { runtime } from "@/lib/runtime/runtime";

const table = () => runtime().deliveries.inFlight;

/** Registers one send to `endpointId`; abort it through the returned controller's signal. Call `done` when it ends. */
export function trackSend(endpointId: string): { signal: AbortSignal; done(): void } {
  const byEndpoint = table();
  const controller = new AbortController();
  let set = byEndpoint.get(endpointId);
  if (!set) byEndpoint.set(endpointId, (set = new Set()));
  set.add(controller);
  return {
    signal: controller.signal,
    done() {
      const s = byEndpoint.get(endpointId);
      if (!s) return;
      s.delete(controller);
      if (s.size === 0) byEndpoint.delete(endpointId);
    },
  };
}

/** Cancels every send to `endpointId` in flight in this process (after a delete, pause or URL change commits). */
export function abortEndpointSends(endpointId: string, reason: string): number {
  const set = table().get(endpointId);
  if (!set) return 0;
  for (const c of set) c.abort(reason);
  return set.size;
}
