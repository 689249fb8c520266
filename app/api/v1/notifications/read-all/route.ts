import { json, withApi } from "@/lib/api/with-api";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { markAllNotificationsRead } from "@/lib/notifications/list-notifications";
import { emptyBodySchema } from "@/lib/validations/common";

// POST /api/v1/notifications/read-all: mark every notification you can see here read (for you only)
export const POST = withApi({ role: "viewer", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const userId = ctx.caller.kind === "session" ? ctx.caller.userId : "";
  return json(await markAllNotificationsRead({ orgId: ctx.orgId, environment: ctx.environment, userId }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
