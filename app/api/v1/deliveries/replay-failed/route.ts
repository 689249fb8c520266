import { json, withApi } from "@/lib/api/with-api";
import { replayFailedSince } from "@/lib/deliveries/replay-deliveries";
import { replayFailedSchema } from "@/lib/validations/deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/deliveries/replay-failed: replay every failed delivery since a time
export const POST = withApi({ scopes: ["deliveries:write"] }, async (ctx) => {
  const input = ctx.body(replayFailedSchema);
  const r = await replayFailedSince({
    orgId: ctx.orgId,
    environment: ctx.environment,
    endpointId: input.endpoint_id,
    since: new Date(input.since),
    ctx: ctx.actor,
  });
  return json(r, { status: 202 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
