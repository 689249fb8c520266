import { json, noContent, withApi } from "@/lib/api/with-api";
import { deleteEndpoint } from "@/lib/webhooks/delete-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { getEndpoint } from "@/lib/webhooks/get-endpoints";
import { updateEndpoint } from "@/lib/webhooks/update-endpoint";
import { endpointViewWithHealth } from "@/lib/webhooks/views";
import { updateEndpointSchema } from "@/lib/validations/webhooks";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// GET /api/v1/endpoints/{id}: one endpoint
export const GET = withApi<P>({ scopes: ["endpoints:read"] }, async (ctx) =>
  json(await endpointViewWithHealth(await getEndpoint({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id }))),
);

// PATCH /api/v1/endpoints/{id}: partial update; status PAUSED holds deliveries, ACTIVE releases them
export const PATCH = withApi<P>({ scopes: ["endpoints:write"], maxBodyBytes: 64 * 1024 }, async (ctx) => {
  const input = ctx.body(updateEndpointSchema);
  const { endpoint } = await updateEndpoint({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    patch: {
      name: input.name,
      url: input.url,
      description: input.description,
      eventTypes: input.event_types,
      headers: input.headers_json,
      authToken: input.auth_token,
      timeoutSeconds: input.timeout_seconds,
      webhookVersion: input.webhook_version,
      secret: input.secret,
      status: input.status && (input.status === "PAUSED" ? "paused" : "active"),
      operatorEvents: input.operator_events,
      filter: input.filter,
      channels: input.channels,
      rateLimitPerSecond: input.rate_limit_per_second,
      maxInFlight: input.max_in_flight,
      ordering: input.ordering,
    },
    fields: ENDPOINTS_FIELDS,
    ctx: ctx.actor,
  });
  return json(await endpointViewWithHealth(endpoint));
});

// DELETE /api/v1/endpoints/{id}: delete the endpoint and its deliveries
export const DELETE = withApi<P>({ scopes: ["endpoints:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  await deleteEndpoint({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, OPTIONS } = methodsNotAllowed(["GET", "PATCH", "DELETE"]);
