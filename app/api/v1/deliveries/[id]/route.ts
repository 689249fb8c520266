import { json, withApi } from "@/lib/api/with-api";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/deliveries/{id}: a delivery with every attempt's request and response
export const GET = withApi<{ id: string }>({ scopes: ["deliveries:read"] }, async (ctx) =>
  json(await getDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id })),
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
