import { json, withApi } from "@/lib/api/with-api";
import { getDeliveryStats } from "@/lib/deliveries/delivery-stats";
import { deliveryStatsQuerySchema } from "@/lib/validations/deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/endpoints/{id}/stats?window=24h|7d: the endpoint's delivery outcomes per hour or day
export const GET = withApi<{ id: string }>({ scopes: ["deliveries:read"] }, async (ctx) => {
  const { window } = ctx.query(deliveryStatsQuerySchema);
  return json(await getDeliveryStats({ orgId: ctx.orgId, environment: ctx.environment, endpointId: ctx.params.id, window }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
