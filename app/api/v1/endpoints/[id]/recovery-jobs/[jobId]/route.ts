import { json, withApi } from "@/lib/api/with-api";
import { getRecoveryJob, recoveryJobView } from "@/lib/deliveries/recover-deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/endpoints/{id}/recovery-jobs/{jobId}: one recovery job and its progress
export const GET = withApi<{ id: string; jobId: string }>({ scopes: ["deliveries:read"] }, async (ctx) =>
  json(recoveryJobView(await getRecoveryJob({ orgId: ctx.orgId, environment: ctx.environment, endpointId: ctx.params.id, jobId: ctx.params.jobId }))),
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
