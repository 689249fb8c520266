import { json, withApi } from "@/lib/api/with-api";
import { getCredentialDetail } from "@/lib/credentials/manage-credentials";
import { updateCredential } from "@/lib/credentials/update-credential";
import { credentialView } from "@/lib/credentials/views";
import { updateCredentialSchema } from "@/lib/validations/credentials";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/credentials/{id}: a credential with its usage and audit entries
export const GET = withApi<{ id: string }>({ sessionOnly: true }, async (ctx) =>
  json(await getCredentialDetail({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id })),
);

// PATCH /api/v1/credentials/{id}: change name, scopes, expiry, the issuance quota or keys only
export const PATCH = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(updateCredentialSchema);
  const c = await updateCredential({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    name: input.name,
    scopes: input.scopes,
    expiresAt: input.expires_at === undefined ? undefined : input.expires_at ? new Date(input.expires_at) : null,
    tokensPerHour: input.tokens_per_hour,
    tokensPerDay: input.tokens_per_day,
    keysOnly: input.keys_only,
    ctx: ctx.actor,
  });
  return json(credentialView(c));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
