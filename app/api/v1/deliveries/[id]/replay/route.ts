import { json, withApi } from "@/lib/api/with-api";
import { getDelivery } from "@/lib/deliveries/get-deliveries";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";

// POST /api/v1/deliveries/{id}/replay: send the event again as a new delivery linked to this one
export const POST = withApi<{ id: string }>({ scopes: ["deliveries:write"] }, async (ctx) => {
  const replay = await replayDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  const detail = await getDelivery({ orgId: ctx.orgId, environment: ctx.environment, id: replay.id });
  return json({ ...detail, url_changed_from: replay.urlChangedFrom }, { status: 202 });
});
