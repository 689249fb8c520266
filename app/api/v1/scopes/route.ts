import { json, withApi } from "@/lib/api/with-api";
import { createScope, listScopes } from "@/lib/credentials/manage-credentials";
import { createScopeSchema } from "@/lib/validations/credentials";
import { pageOfAll, shortListQuery } from "@/lib/api/pagination";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/scopes: the scope catalog (built-in and the organization's own)
export const GET = withApi({ sessionOnly: true }, async (ctx) => {
  const q = ctx.query(shortListQuery);
  return json(pageOfAll(await listScopes(ctx.orgId), q, (s) => s));
});

// POST /api/v1/scopes: define a custom scope for the organization's own services
export const POST = withApi({ role: "admin", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(createScopeSchema);
  const s = await createScope({ orgId: ctx.orgId, ...input, ctx: ctx.actor });
  return json({ name: s.name, description: s.description, built_in: false }, { status: 201 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
