import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { endpointDeliveryStats } from "@/lib/deliveries/get-deliveries";

// GET /api/v1/deliveries/stats: per endpoint, deliveries and success rate over the last 24 hours
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await endpointDeliveryStats({ orgId: ctx.orgId, environment: ctx.environment }), q, (s) => s));
});
