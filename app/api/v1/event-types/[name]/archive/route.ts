import { json, withApi } from "@/lib/api/with-api";
import { setEventTypeArchived } from "@/lib/webhooks/event-types";
import { eventTypeView } from "@/lib/webhooks/views";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/event-types/{name}/archive: refuse new events and subscriptions of this type (existing subscriptions stay)
export const POST = withApi<{ name: string }>({ scopes: ["events:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const t = await setEventTypeArchived({ orgId: ctx.orgId, environment: ctx.environment, name: ctx.params.name, archived: true, ctx: ctx.actor });
  return json(eventTypeView(t));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
