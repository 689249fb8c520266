import { json, withApi } from "@/lib/api/with-api";
import { getCredentialActivity } from "@/lib/credentials/credential-activity";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/credentials/{id}/activity: what the credential caused (events, their deliveries, changes)
export const GET = withApi<{ id: string }>({ scopes: ["events:read", "deliveries:read", "audit:read"] }, async (ctx) =>
  json(
    await getCredentialActivity({
      orgId: ctx.orgId,
      environment: ctx.environment,
      id: ctx.params.id,
      confineAuditTo: ctx.caller.kind === "token" ? ctx.environment : undefined,
    }),
  ),
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
