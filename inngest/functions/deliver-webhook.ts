// Delivers one Delivery. Each try is one step-level attempt; a failed try throws
// RetryAfterError with the schedule's delay (or the receiver's capped Retry-After), so Inngest
// retries it at 30 s, 2 m, 5 m, 15 m, 1 h, 6 h, 24 h. After the last, onFailure marks it failed.
import { NonRetriableError, RetryAfterError } from "inngest";
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { attemptDelivery, markDeliveryFailed } from "@/lib/deliveries/attempt-delivery";
import { retrySchedule } from "@/lib/deliveries/retry-schedule";

// The SDK types `retries` as a literal 0..20; the schedule parser already caps it at 20.
type Retries = NonNullable<Parameters<typeof inngest.createFunction>[0]["retries"]>;

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    triggers: [deliveryRequested],
    retries: retrySchedule().length as Retries,
    // One receiver is never sent more than 10 requests at once.
    concurrency: { limit: 10, key: "event.data.endpointId" },
    onFailure: async ({ event, error }) => {
      await markDeliveryFailed(event.data.event.data.deliveryId, error.message);
    },
  },
  async ({ event, step, attempt }) => {
    return step.run("attempt", async () => {
      const outcome = await attemptDelivery({ deliveryId: event.data.deliveryId, attempt });
      if (outcome.kind === "retry") throw new RetryAfterError(outcome.message, new Date(Date.now() + outcome.delayMs));
      if (outcome.kind === "failed") throw new NonRetriableError(outcome.message);
      return outcome;
    });
  },
);
