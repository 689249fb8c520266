import { json, withApi } from "@/lib/api/with-api";
import { getEventWithDeliveries } from "@/lib/events/get-events";
import { eventDeliveryView, eventView } from "@/lib/events/views";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/events/{id}: an event with its deliveries and their statuses
export const GET = withApi<{ id: string }>({ scopes: ["events:read"] }, async (ctx) => {
  const e = await getEventWithDeliveries({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id });
  return json({ ...eventView(e), deliveries: e.deliveries.map(eventDeliveryView) });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
