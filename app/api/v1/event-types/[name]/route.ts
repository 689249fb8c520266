import { json, withApi } from "@/lib/api/with-api";
import { getEventType } from "@/lib/webhooks/event-types";
import { eventTypeView } from "@/lib/webhooks/views";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/event-types/{name}: one event type, with its schema
export const GET = withApi<{ name: string }>({ scopes: ["events:read"] }, async (ctx) =>
  json(eventTypeView(await getEventType({ orgId: ctx.orgId, environment: ctx.environment, name: ctx.params.name }))),
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
