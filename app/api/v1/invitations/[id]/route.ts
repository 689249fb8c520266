import { noContent, withApi } from "@/lib/api/with-api";
import { revokeInvitation } from "@/lib/orgs/invite-member";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// DELETE /api/v1/invitations/{id}: revoke a pending invitation
export const DELETE = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  await revokeInvitation({ orgId: ctx.orgId, invitationId: ctx.params.id, ctx: ctx.actor });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, POST, PUT, PATCH, OPTIONS } = methodsNotAllowed(["DELETE"]);
