import { json, withApi } from "@/lib/api/with-api";
import { endpointDeliveryStats } from "@/lib/deliveries/get-deliveries";

// GET /api/v1/deliveries/stats: per endpoint, deliveries and success rate over the last 24 hours
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) =>
  json({ data: await endpointDeliveryStats({ orgId: ctx.orgId, environment: ctx.environment }), next_cursor: null }),
);
