import { json, withApi } from "@/lib/api/with-api";
import { rotateEndpointSecret } from "@/lib/webhooks/rotate-endpoint-secret";
import { endpointViewWithHealth } from "@/lib/webhooks/views";
import { rotateSecretSchema } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/endpoints/{id}/rotate-secret: a new signing secret, shown once; the old one signs alongside it for the grace period
export const POST = withApi<{ id: string }>({ scopes: ["endpoints:write"] }, async (ctx) => {
  const { grace_period_seconds } = ctx.body(rotateSecretSchema);
  const { endpoint, secret } = await rotateEndpointSecret({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    graceSeconds: grace_period_seconds,
    ctx: ctx.actor,
  });
  return json({ ...(await endpointViewWithHealth(endpoint)), secret });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
