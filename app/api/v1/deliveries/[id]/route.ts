import { json, withApi } from "@/lib/api/with-api";
import { getDelivery } from "@/lib/deliveries/get-deliveries";

// GET /api/v1/deliveries/{id}: a delivery with every attempt's request and response
export const GET = withApi<{ id: string }>({ scopes: ["deliveries:read"] }, async (ctx) =>
  json(await getDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id })),
);
