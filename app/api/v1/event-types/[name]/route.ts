import { json, withApi } from "@/lib/api/with-api";
import { getEventType } from "@/lib/webhooks/event-types";
import { updateEventType } from "@/lib/webhooks/update-event-type";
import { updateEventTypeSchema } from "@/lib/validations/webhooks";
import { eventTypeView } from "@/lib/webhooks/views";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/event-types/{name}: one event type, with its schema
export const GET = withApi<{ name: string }>({ scopes: ["events:read"] }, async (ctx) =>
  json(eventTypeView(await getEventType({ orgId: ctx.orgId, environment: ctx.environment, name: ctx.params.name }))),
);

// PATCH /api/v1/event-types/{name}: change the description or JSON schema; the schema is checked against recent events
export const PATCH = withApi<{ name: string }>({ scopes: ["events:write"], maxBodyBytes: 128 * 1024 }, async (ctx) => {
  const input = ctx.body(updateEventTypeSchema);
  const { eventType, examples } = await updateEventType({
    orgId: ctx.orgId,
    environment: ctx.environment,
    name: ctx.params.name,
    description: input.description,
    schema: input.schema,
    checkOnly: input.check_only,
    ctx: ctx.actor,
  });
  return json({ ...eventTypeView(eventType), examples });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
