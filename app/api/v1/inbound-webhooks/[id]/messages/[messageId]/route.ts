import { json, withApi } from "@/lib/api/with-api";
import { getInboundMessage } from "@/lib/inbound/get-inbound-webhooks";
import { inboundMessageView } from "@/lib/inbound/views";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string; messageId: string };

// GET /api/v1/inbound-webhooks/{id}/messages/{messageId}: one message with its whole body
export const GET = withApi<P>({ scopes: ["inbound:read"] }, async (ctx) => {
  const m = await getInboundMessage({ orgId: ctx.orgId, environment: ctx.environment, webhookId: ctx.params.id, id: ctx.params.messageId });
  return json(inboundMessageView(m, { full: true }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
