import { json, noContent, withApi } from "@/lib/api/with-api";
import { deleteEndpoint } from "@/lib/webhooks/delete-endpoint";
import { WEBHOOKS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { getEndpoint } from "@/lib/webhooks/get-endpoints";
import { updateEndpoint } from "@/lib/webhooks/update-endpoint";
import { webhookView } from "@/lib/webhooks/views";
import { updateWebhookSchema } from "@/lib/validations/webhooks";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// GET /api/v1/webhooks/{id}: one endpoint in the webhooks shape
export const GET = withApi<P>({ scopes: ["endpoints:read"] }, async (ctx) =>
  json(webhookView(await getEndpoint({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id }))),
);

// PATCH /api/v1/webhooks/{id}: partial update; `active: false` pauses (deliveries held), `true` resumes
export const PATCH = withApi<P>({ scopes: ["endpoints:write"], maxBodyBytes: 64 * 1024 }, async (ctx) => {
  const input = ctx.body(updateWebhookSchema);
  const { endpoint } = await updateEndpoint({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    patch: {
      name: input.name,
      url: input.url,
      description: input.description,
      eventTypes: input.events,
      authToken: input.auth_token,
      webhookVersion: input.webhook_version,
      status: input.active === undefined ? undefined : input.active ? "active" : "paused",
    },
    fields: WEBHOOKS_FIELDS,
    ctx: ctx.actor,
  });
  return json(webhookView(endpoint));
});

// DELETE /api/v1/webhooks/{id}: delete the endpoint and its deliveries
export const DELETE = withApi<P>({ scopes: ["endpoints:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  await deleteEndpoint({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, OPTIONS } = methodsNotAllowed(["GET", "PATCH", "DELETE"]);
