import { json, withApi } from "@/lib/api/with-api";
import { getEventType } from "@/lib/webhooks/event-types";
import { eventTypeView } from "@/lib/webhooks/views";

// GET /api/v1/event-types/{name}: one event type, with its schema
export const GET = withApi<{ name: string }>({ scopes: ["events:read"] }, async (ctx) =>
  json(eventTypeView(await getEventType({ orgId: ctx.orgId, environment: ctx.environment, name: ctx.params.name }))),
);
