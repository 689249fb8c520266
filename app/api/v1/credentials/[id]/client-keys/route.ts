import { json, withApi } from "@/lib/api/with-api";
import { setClientKeys } from "@/lib/credentials/set-client-keys";
import { credentialView } from "@/lib/credentials/views";
import { setClientKeysSchema } from "@/lib/validations/credentials";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/credentials/{id}/client-keys: register the public keys (a JWKS or its URL) for private_key_jwt
export const POST = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const input = ctx.body(setClientKeysSchema);
  const c = await setClientKeys({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, jwks: input.jwks, jwksUrl: input.jwks_url, ctx: ctx.actor });
  return json(credentialView(c));
});

// DELETE /api/v1/credentials/{id}/client-keys: remove them (the client secret alone authenticates)
export const DELETE = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const c = await setClientKeys({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return json(credentialView(c));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, OPTIONS } = methodsNotAllowed(["POST", "DELETE"]);
