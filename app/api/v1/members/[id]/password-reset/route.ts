import { requestOrigin } from "@/lib/api/request-info";
import { json, withApi } from "@/lib/api/with-api";
import { createPasswordReset } from "@/lib/orgs/password-reset";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/members/{id}/password-reset: an owner makes a one-time password reset link for a member
export const POST = withApi<{ id: string }>({ role: "owner", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const r = await createPasswordReset({
    orgId: ctx.orgId,
    membershipId: ctx.params.id,
    actorRole: ctx.caller.kind === "session" ? ctx.caller.role : "viewer",
    actorUserId: ctx.caller.kind === "session" ? ctx.caller.userId : null,
    ctx: ctx.actor,
  });
  return json(
    { email: r.email, reset_url: `${requestOrigin(ctx.req)}/reset-password/${r.token}`, expires_at: r.expiresAt.toISOString() },
    { status: 201 },
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
