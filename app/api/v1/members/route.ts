import { json, withApi } from "@/lib/api/with-api";
import { listMembers } from "@/lib/orgs/manage-members";
import { memberView } from "@/lib/orgs/views";

// GET /api/v1/members: everyone in the organization
export const GET = withApi({ scopes: ["members:read"] }, async (ctx) => {
  const rows = await listMembers(ctx.orgId);
  return json({ data: rows.map(memberView), next_cursor: null });
});
