import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { deliveryView, listDeliveries } from "@/lib/deliveries/get-deliveries";
import { deliveryListQuerySchema } from "@/lib/validations/deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/deliveries: deliveries newest first, filtered by status, endpoint, event, id and time
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(deliveryListQuerySchema);
  const rows = await listDeliveries({
    orgId: ctx.orgId,
    environment: ctx.environment,
    status: q.status,
    endpointId: q.endpoint_id,
    eventType: q.event_type,
    eventId: q.event_id,
    deliveryId: q.delivery_id,
    q: q.q,
    causedByCredential: q.caused_by_credential,
    createdAfter: q.created_after ? new Date(q.created_after) : undefined,
    createdBefore: q.created_before ? new Date(q.created_before) : undefined,
    limit: q.limit,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }), deliveryView));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
