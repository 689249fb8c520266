import { json, withApi } from "@/lib/api/with-api";
import { endGracePeriod } from "@/lib/credentials/end-grace-period";
import { credentialView } from "@/lib/credentials/views";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/credentials/{id}/end-grace-period: the old secrets stop working now
export const POST = withApi<{ id: string }>({ role: "admin", sessionOnly: true }, async (ctx) => {
  ctx.body(emptyBodySchema);
  const c = await endGracePeriod({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return json(credentialView(c));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
