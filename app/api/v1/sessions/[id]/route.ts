import { endOwnConsoleSession } from "@/lib/auth/console-sessions";
import { noContent, withApi } from "@/lib/api/with-api";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// DELETE /api/v1/sessions/{id}: end one of the signed-in user's sessions (its cookie stops working)
export const DELETE = withApi<P>({ role: "viewer", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const userId = ctx.caller.kind === "session" ? ctx.caller.userId : "";
  await endOwnConsoleSession({ userId, sessionId: ctx.params.id });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, POST, PUT, PATCH, OPTIONS } = methodsNotAllowed(["DELETE"]);
