import { requestOrigin } from "@/lib/api/request-info";
import { json, withApi } from "@/lib/api/with-api";
import { lastReceivedAt } from "@/lib/inbound/get-inbound-webhooks";
import { regenerateInboundToken } from "@/lib/inbound/regenerate-inbound-token";
import { inboundWebhookView } from "@/lib/inbound/views";
import { regenerateTokenSchema } from "@/lib/validations/inbound";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// POST /api/v1/inbound-webhooks/{id}/regenerate-token: a new token, in this response only; the old one works for grace_period_seconds (default 0: refused at once)
export const POST = withApi<P>({ scopes: ["inbound:write"] }, async (ctx) => {
  const { grace_period_seconds } = ctx.body(regenerateTokenSchema);
  const r = await regenerateInboundToken({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, graceSeconds: grace_period_seconds, ctx: ctx.actor });
  const last = await lastReceivedAt([r.webhook.id]);
  return json({ ...inboundWebhookView(r.webhook, requestOrigin(ctx.req), last.get(r.webhook.id)), token: r.token });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
