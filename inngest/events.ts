// The events Gatehouse's functions are triggered by, with their payload schemas.
import { eventType } from "inngest";
import { z } from "zod";

/** One delivery of one event to one endpoint is due. */
export const deliveryRequested = eventType("gatehouse/delivery.requested", {
  // orgId keys the per-org concurrency limit; events sent before it existed have none.
  schema: z.object({ deliveryId: z.string(), endpointId: z.string(), orgId: z.string().optional() }),
});
