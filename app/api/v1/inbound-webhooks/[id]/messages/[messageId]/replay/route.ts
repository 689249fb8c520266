import { json, withApi } from "@/lib/api/with-api";
import { replayForward } from "@/lib/inbound/replay-forward";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string; messageId: string };

// POST /api/v1/inbound-webhooks/{id}/messages/{messageId}/replay: forward a finished message again (another attempt of its forward delivery)
export const POST = withApi<P>({ scopes: ["inbound:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const d = await replayForward({ orgId: ctx.orgId, environment: ctx.environment, webhookId: ctx.params.id, messageId: ctx.params.messageId, ctx: ctx.actor });
  return json({ delivery_id: d.id, status: d.status, replay_of: null }, { status: 202 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
