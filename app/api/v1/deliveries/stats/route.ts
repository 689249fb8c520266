import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { endpointDeliveryStats } from "@/lib/deliveries/get-deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/deliveries/stats: per endpoint, deliveries and success rate over the last 24 hours
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await endpointDeliveryStats({ orgId: ctx.orgId, environment: ctx.environment }), q, (s) => s));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
