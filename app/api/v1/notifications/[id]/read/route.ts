import { json, withApi } from "@/lib/api/with-api";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { markNotificationRead } from "@/lib/notifications/list-notifications";
import { emptyBodySchema } from "@/lib/validations/common";

// POST /api/v1/notifications/{id}/read: mark one notification read (for you only)
export const POST = withApi<{ id: string }>({ role: "viewer", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const userId = ctx.caller.kind === "session" ? ctx.caller.userId : "";
  return json(await markNotificationRead({ orgId: ctx.orgId, environment: ctx.environment, userId, id: ctx.params.id }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
