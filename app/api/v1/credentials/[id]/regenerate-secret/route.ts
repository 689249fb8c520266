import { json, withApi } from "@/lib/api/with-api";
import { regenerateSecret } from "@/lib/credentials/manage-credentials";
import { credentialView } from "@/lib/credentials/views";
import { regenerateSecretSchema } from "@/lib/validations/credentials";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/credentials/{id}/regenerate-secret: a new secret, shown once
export const POST = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  const { grace_period_seconds, end_grace_when_unused_hours } = ctx.body(regenerateSecretSchema);
  const { credential, secret } = await regenerateSecret({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    graceSeconds: grace_period_seconds,
    endGraceWhenUnusedSeconds: end_grace_when_unused_hours ? end_grace_when_unused_hours * 3600 : null,
    ctx: ctx.actor,
  });
  return json({ ...credentialView(credential), client_secret: secret });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
