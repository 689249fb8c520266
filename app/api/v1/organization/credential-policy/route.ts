import { json, withApi } from "@/lib/api/with-api";
import { getCredentialPolicy, policyView, policyViolations, updateCredentialPolicy } from "@/lib/credentials/credential-policy";
import { credentialPolicyInputSchema } from "@/lib/validations/credential-policy";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/organization/credential-policy: the policy, and the credentials that break it
export const GET = withApi({ sessionOnly: true }, async (ctx) => {
  const p = await getCredentialPolicy(ctx.orgId);
  return json({ ...policyView(p), violations: await policyViolations(ctx.orgId, p) });
});

// PATCH /api/v1/organization/credential-policy: change it (owners only)
export const PATCH = withApi({ role: "owner", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(credentialPolicyInputSchema);
  return json(await updateCredentialPolicy({ orgId: ctx.orgId, input, ctx: ctx.actor }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
