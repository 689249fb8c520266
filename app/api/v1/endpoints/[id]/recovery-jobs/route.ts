import { z } from "zod";
import { decodeCursor, paginate, paginationQuery } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { listRecoveryJobs, recoveryJobView } from "@/lib/deliveries/recover-deliveries";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/endpoints/{id}/recovery-jobs: the endpoint's recovery jobs, newest first
export const GET = withApi<{ id: string }>({ scopes: ["deliveries:read"] }, async (ctx) => {
  const q = ctx.query(paginationQuery);
  const rows = await listRecoveryJobs({
    orgId: ctx.orgId,
    environment: ctx.environment,
    endpointId: ctx.params.id,
    limit: q.limit,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (j) => ({ createdAt: j.createdAt.toISOString(), id: j.id }), recoveryJobView));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
