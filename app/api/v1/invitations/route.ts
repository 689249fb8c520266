import { requestOrigin } from "@/lib/api/request-info";
import { json, withApi } from "@/lib/api/with-api";
import { inviteMember } from "@/lib/orgs/invite-member";
import { listPendingInvitations } from "@/lib/orgs/manage-members";
import { invitationView } from "@/lib/orgs/views";
import { createInvitationSchema } from "@/lib/validations/orgs";
import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/invitations: pending invitations
export const GET = withApi({ role: "admin", sessionOnly: true }, async (ctx) => {
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await listPendingInvitations(ctx.orgId), q, invitationView));
});

// POST /api/v1/invitations: invite someone; the response carries the invite link, once
export const POST = withApi({ role: "admin", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(createInvitationSchema);
  const { invitation, token } = await inviteMember({
    orgId: ctx.orgId,
    email: input.email,
    role: input.role,
    inviterRole: ctx.caller.kind === "session" ? ctx.caller.role : "viewer",
    inviterId: ctx.caller.kind === "session" ? ctx.caller.userId : null,
    ctx: ctx.actor,
  });
  return json(
    { ...invitationView(invitation), invite_url: `${requestOrigin(ctx.req)}/invite/${token}` },
    { status: 201 },
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
