import { json, withApi } from "@/lib/api/with-api";
import { getCredentialDetail } from "@/lib/credentials/manage-credentials";
import { updateCredentialLimits } from "@/lib/credentials/update-credential-limits";
import { credentialView } from "@/lib/credentials/views";
import { updateCredentialLimitsSchema } from "@/lib/validations/credentials";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/credentials/{id}: a credential with its usage and audit entries
export const GET = withApi<{ id: string }>({ sessionOnly: true }, async (ctx) =>
  json(await getCredentialDetail({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id })),
);

// PATCH /api/v1/credentials/{id}: set or remove the issuance quota
export const PATCH = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(updateCredentialLimitsSchema);
  const c = await updateCredentialLimits({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    tokensPerHour: input.tokens_per_hour,
    tokensPerDay: input.tokens_per_day,
    ctx: ctx.actor,
  });
  return json(credentialView(c));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
