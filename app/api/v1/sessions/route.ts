import { auth } from "@/lib/auth/auth";
import { listConsoleSessions } from "@/lib/auth/console-sessions";
import { json, withApi } from "@/lib/api/with-api";
import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/sessions: the signed-in user's own live console sessions
export const GET = withApi({ role: "viewer", sessionOnly: true }, async (ctx) => {
  const userId = ctx.caller.kind === "session" ? ctx.caller.userId : "";
  const currentSid = (await auth())?.sessionId ?? null;
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await listConsoleSessions({ userId, currentSid }), q, (s) => s));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
