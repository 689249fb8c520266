import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { deliveryView, listDeliveries } from "@/lib/deliveries/get-deliveries";
import { deliveryListQuerySchema } from "@/lib/validations/deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/deliveries: deliveries newest first, by status and endpoint
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(deliveryListQuerySchema);
  const rows = await listDeliveries({
    orgId: ctx.orgId,
    environment: ctx.environment,
    status: q.status,
    endpointId: q.endpoint_id,
    limit: q.limit,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }), deliveryView));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
