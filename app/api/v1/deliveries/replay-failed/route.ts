import { json, withApi } from "@/lib/api/with-api";
import { previewReplayFailed } from "@/lib/deliveries/preview-replay-failed";
import { replayFailedSince } from "@/lib/deliveries/replay-deliveries";
import { replayFailedPreviewQuerySchema, replayFailedSchema } from "@/lib/validations/deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/deliveries/replay-failed: how many failed deliveries since a time a replay would replay, per endpoint
export const GET = withApi({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(replayFailedPreviewQuerySchema);
  return json(await previewReplayFailed({ orgId: ctx.orgId, environment: ctx.environment, endpointId: q.endpoint_id, since: new Date(q.since) }));
});

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
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
