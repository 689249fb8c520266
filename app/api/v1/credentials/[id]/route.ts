import { json, withApi } from "@/lib/api/with-api";
import { getCredentialDetail } from "@/lib/credentials/manage-credentials";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/credentials/{id}: a credential with its usage and audit entries
export const GET = withApi<{ id: string }>({ sessionOnly: true }, async (ctx) =>
  json(await getCredentialDetail({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id })),
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
