// The events Gatehouse's functions are triggered by, with their payload schemas.
import { eventType } from "inngest";
import { z } from "zod";

/** One delivery of one event to one endpoint is due. */
export const deliveryRequested = eventType("gatehouse/delivery.requested", {
  // orgId keys the per-org concurrency limit; events sent before it existed have none.
  // releasedAt (ms, null when never released or re-armed) is the delivery's generation: a run
  // whose event carries an older one skips the delivery (it was handed to a newer run).
  schema: z.object({ deliveryId: z.string(), endpointId: z.string(), orgId: z.string().optional(), releasedAt: z.number().nullable().optional() }),
});

/** A bulk recovery job (lib/deliveries/recover-deliveries.ts) is to be run or taken over. */
export const recoveryRequested = eventType("gatehouse/recovery.requested", {
  schema: z.object({ jobId: z.string() }),
});
