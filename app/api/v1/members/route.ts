import { json, withApi } from "@/lib/api/with-api";
import { listMembers } from "@/lib/orgs/manage-members";
import { memberView } from "@/lib/orgs/views";
import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/members: everyone in the organization
export const GET = withApi({ scopes: ["members:read"] }, async (ctx) => {
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await listMembers(ctx.orgId), q, memberView));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
