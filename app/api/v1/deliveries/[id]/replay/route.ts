import { json, withApi } from "@/lib/api/with-api";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/deliveries/{id}/replay: another attempt of this delivery (the same webhook-id)
export const POST = withApi<{ id: string }>({ scopes: ["deliveries:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const replay = await replayDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  const detail = await getDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: replay.id });
  return json({ ...detail, url_changed_from: replay.urlChangedFrom }, { status: 202 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
