import { json, withApi } from "@/lib/api/with-api";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { listNotifications } from "@/lib/notifications/list-notifications";
import { notificationListQuery } from "@/lib/validations/notifications";

// GET /api/v1/notifications: your notifications (this environment's and org-wide), newest first, with your read state
export const GET = withApi({ role: "viewer", sessionOnly: true }, async (ctx) => {
  const q = ctx.query(notificationListQuery);
  const userId = ctx.caller.kind === "session" ? ctx.caller.userId : "";
  return json(await listNotifications({ orgId: ctx.orgId, environment: ctx.environment, userId, limit: q.limit, cursor: q.cursor, unread: q.unread === "true" }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
