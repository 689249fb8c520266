import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { listRejections, rejectionView } from "@/lib/inbound/rejections";
import { rejectionListQuery } from "@/lib/validations/inbound";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };
const cursorSchema = z.object({ at: z.string(), id: z.string() });

// GET /api/v1/inbound-webhooks/{id}/rejections: requests the receiving URL refused, newest first (no bodies)
export const GET = withApi<P>({ scopes: ["inbound:read"] }, async (ctx) => {
  const q = ctx.query(rejectionListQuery);
  const rows = await listRejections({
    orgId: ctx.orgId,
    environment: ctx.environment,
    webhookId: ctx.params.id,
    limit: q.limit,
    reason: q.reason,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (r) => ({ at: r.receivedAt.toISOString(), id: r.id }), rejectionView));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
