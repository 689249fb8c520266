// Delivers webhooks: one attempt of each delivery in the run's events per try. A failed try
// throws RetryAfterError with the schedule's delay (or the receiver's capped Retry-After), so
// Inngest retries it at 30 s, 2 m, 5 m, 15 m, 1 h, 6 h, 24 h, each time sending only what is
// still pending. After the last, onFailure marks what is left failed.
//
// On the embedded executor deliveries to one endpoint are batched (batchEvents keyed by
// endpoint): a run that starts takes with it the deliveries of its endpoint that are waiting
// for a slot (up to 100). A batch forms only while the endpoint's 10 runs are all busy, so a
// lone delivery still goes at once, and under load one SDK call serves many
// deliveries. Inngest's own servers ignore concurrency keys on batched functions, which would
// let one slow receiver hold every slot; there each delivery keeps its own run. Either way a
// receiver never has more requests from us at once than its endpoint's max_in_flight (default 10;
// on Inngest's servers also at most the 10 runs the concurrency key allows), counted across all
// processes by the claim each send makes (lib/deliveries/endpoint-throttle.ts).
import { NonRetriableError, RetryAfterError } from "inngest";
import { inngest } from "@/inngest/client";
import { usesEmbeddedExecutor } from "@/inngest/engine/embedded-config";
import { currentCallSignal } from "@/inngest/engine/in-process";
import { deliveryRequested } from "@/inngest/events";
import { attemptDeliveries, markDeliveriesFailed, SEND_CONCURRENCY } from "@/lib/deliveries/attempt-delivery";
import { retrySchedule } from "@/lib/deliveries/retry-schedule";

// The SDK types `retries` as a literal 0..20; the schedule parser already caps it at 20.
type Retries = NonNullable<Parameters<typeof inngest.createFunction>[0]["retries"]>;

/** Runs of one org's deliveries going at once (GATEHOUSE_ORG_CONCURRENCY, default 25). */
function orgConcurrency(): number {
  const n = Number(process.env.GATEHOUSE_ORG_CONCURRENCY || 25);
  return Number.isInteger(n) && n > 0 ? n : 25;
}

/** Deliveries of one endpoint that one run attempts at most. */
const MAX_BATCH = 100;

// Inngest's own servers ignore concurrency keys on batched functions: there, no batches.
const batching = usesEmbeddedExecutor() ? { batchEvents: { maxSize: MAX_BATCH, timeout: "1s" as const, key: "event.data.endpointId" } } : {};

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    triggers: [deliveryRequested],
    retries: retrySchedule().length as Retries,
    // One endpoint has at most 10 runs going (per process here), and (attemptDeliveries) at most
    // its max_in_flight requests in flight across all processes; one
    // org at most ORG_CONCURRENCY runs, so an org whose receivers hang (each call then lasts the
    // endpoint's whole timeout) holds only its own share of the executor, never every slot.
    concurrency: [
      { limit: SEND_CONCURRENCY, key: "event.data.endpointId" },
      { limit: orgConcurrency(), key: "event.data.orgId" },
    ],
    ...batching,
    onFailure: async ({ event, error }) => {
      // The embedded executor passes the whole batch; Inngest's servers the first event.
      type Sent = { data: { deliveryId: string; releasedAt?: number | null } };
      const failed = event.data as { event: Sent; events?: Sent[] };
      const sent = failed.events ?? [failed.event];
      await markDeliveriesFailed(
        sent.map((e) => e.data.deliveryId),
        error.message,
        generationsOf(sent),
      );
    },
  },
  async ({ events, attempt }) => deliverTry(events, attempt),
);

/**
 * One try of a run (`attempt`, 0-based): an attempt of each delivery in its events. Throws
 * RetryAfterError (the longest wait any of them needs) or NonRetriableError for the executor.
 * No step: an attempt is its own record (the delivery's status and attempt row, written as it
 * ends), so a run made again sends only what is still pending, and one call into the function
 * does the whole try instead of two (the step, then the function's end).
 */
export async function deliverTry(events: { data: { deliveryId: string; releasedAt?: number | null } }[], attempt: number) {
  const deliveryIds = [...new Set(events.map((e) => e.data.deliveryId))];
  const generations = generationsOf(events);
  // The call's own abort signal (the executor gave up on it) stops the batch's sends.
  const signal = currentCallSignal();
  const outcomes = await attemptDeliveries({ deliveryIds, attempt, generations, signal });
  const retry = outcomes.flatMap((o) => (o.kind === "retry" ? [o] : []));
  const failed = outcomes.flatMap((o) => (o.kind === "failed" ? [o] : []));
  const of = deliveryIds.length > 1 ? ` (${retry.length || failed.length} of ${deliveryIds.length} deliveries)` : "";
  // One retry time for the run: the longest wait any of its deliveries needs.
  const wait = retry.reduce((a, b) => (b.delayMs > a.delayMs ? b : a), retry[0]!);
  if (retry.length) throw new RetryAfterError(`${wait.message}${of}`, new Date(Date.now() + wait.delayMs));
  if (failed.length) throw new NonRetriableError(`${failed[0]!.message}${of}`);
  return deliveryIds.length === 1 ? outcomes[0]! : { deliveries: deliveryIds.length, outcomes: countKinds(outcomes) };
}

/** The newest generation each delivery was sent with (a batch may hold an old and a new event of one delivery). */
function generationsOf(events: { data: { deliveryId: string; releasedAt?: number | null } }[]): Map<string, number | null> {
  const generations = new Map<string, number | null>();
  for (const e of events) {
    const gen = e.data.releasedAt;
    if (gen === undefined) continue; // sent before generations existed: not checked
    const seen = generations.get(e.data.deliveryId);
    if (seen === undefined || (gen ?? -1) > (seen ?? -1)) generations.set(e.data.deliveryId, gen);
  }
  return generations;
}

function countKinds(outcomes: { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}
