import { json, withApi } from "@/lib/api/with-api";
import { db } from "@/lib/db/client";
import { renameOrganization } from "@/lib/orgs/rename-organization";
import { updateOrganizationSchema } from "@/lib/validations/orgs";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const view = (o: { id: string; name: string; createdAt: Date }) => ({
  id: o.id,
  name: o.name,
  created_at: o.createdAt.toISOString(),
});

// GET /api/v1/organization: the caller's organization
export const GET = withApi({}, async (ctx) => {
  return json(view(await db.organization.findUniqueOrThrow({ where: { id: ctx.orgId } })));
});

// PATCH /api/v1/organization: rename it
export const PATCH = withApi({ role: "admin", sessionOnly: true }, async (ctx) => {
  const { name } = ctx.body(updateOrganizationSchema);
  return json(view(await renameOrganization({ orgId: ctx.orgId, name, ctx: ctx.actor })));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
