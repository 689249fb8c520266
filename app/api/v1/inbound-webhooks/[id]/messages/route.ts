import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { listInboundMessages } from "@/lib/inbound/get-inbound-webhooks";
import { inboundMessageView } from "@/lib/inbound/views";
import { messageListQuery } from "@/lib/validations/inbound";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };
const cursorSchema = z.object({ at: z.string(), id: z.string() });

// GET /api/v1/inbound-webhooks/{id}/messages: what the webhook received, newest first (bodies cut at 16 KiB)
export const GET = withApi<P>({ scopes: ["inbound:read"] }, async (ctx) => {
  const q = ctx.query(messageListQuery);
  const rows = await listInboundMessages({
    orgId: ctx.orgId,
    environment: ctx.environment,
    webhookId: ctx.params.id,
    limit: q.limit,
    outcome: q.outcome,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (m) => ({ at: m.receivedAt.toISOString(), id: m.id }), (m) => inboundMessageView(m)));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
