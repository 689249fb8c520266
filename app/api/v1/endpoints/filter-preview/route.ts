import { json, withApi } from "@/lib/api/with-api";
import { previewEndpointFilter } from "@/lib/webhooks/preview-endpoint-filter";
import { filterPreviewSchema } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/endpoints/filter-preview: which of the last 20 events an endpoint with this filter, these channels and event types would get (changes nothing)
export const POST = withApi({ scopes: ["endpoints:read", "events:read"], role: "viewer" }, async (ctx) => {
  const input = ctx.body(filterPreviewSchema);
  return json(
    await previewEndpointFilter({
      orgId: ctx.orgId,
      environment: ctx.environment,
      filter: input.filter,
      channels: input.channels,
      eventTypes: input.event_types,
    }),
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
