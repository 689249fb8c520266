import { json, withApi } from "@/lib/api/with-api";
import { revealEndpointSecret } from "@/lib/webhooks/reveal-endpoint-secret";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/endpoints/{id}/reveal-secret: the current signing secret again (admins in the console; audited)
export const POST = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const { secret } = await revealEndpointSecret({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return json({ secret });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
