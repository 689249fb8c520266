import { json, noContent, withApi } from "@/lib/api/with-api";
import { changeMemberRole, removeMember } from "@/lib/orgs/manage-members";
import { memberView } from "@/lib/orgs/views";
import { updateMemberSchema } from "@/lib/validations/orgs";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// PATCH /api/v1/members/{id}: change a member's role
export const PATCH = withApi<P>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const { role } = ctx.body(updateMemberSchema);
  const actorRole = ctx.caller.kind === "session" ? ctx.caller.role : "viewer";
  const m = await changeMemberRole({ orgId: ctx.orgId, membershipId: ctx.params.id, role, actorRole, ctx: ctx.actor });
  return json(memberView(m));
});

// DELETE /api/v1/members/{id}: remove a member from the organization
export const DELETE = withApi<P>({ role: "admin", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const actorRole = ctx.caller.kind === "session" ? ctx.caller.role : "viewer";
  await removeMember({ orgId: ctx.orgId, membershipId: ctx.params.id, actorRole, ctx: ctx.actor });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, POST, PUT, OPTIONS } = methodsNotAllowed(["PATCH", "DELETE"]);
