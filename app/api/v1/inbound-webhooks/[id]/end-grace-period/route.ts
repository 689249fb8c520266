import { requestOrigin } from "@/lib/api/request-info";
import { json, withApi } from "@/lib/api/with-api";
import { lastReceivedAt } from "@/lib/inbound/get-inbound-webhooks";
import { endInboundTokenGrace } from "@/lib/inbound/regenerate-inbound-token";
import { inboundWebhookView } from "@/lib/inbound/views";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// POST /api/v1/inbound-webhooks/{id}/end-grace-period: the old integration token is refused from now on
export const POST = withApi<P>({ scopes: ["inbound:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const w = await endInboundTokenGrace({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  const last = await lastReceivedAt([w.id]);
  return json(inboundWebhookView(w, requestOrigin(ctx.req), last.get(w.id)));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
