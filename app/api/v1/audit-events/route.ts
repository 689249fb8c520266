import { auditFiltersFor } from "@/lib/api/environment-scope";
import { json, withApi } from "@/lib/api/with-api";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { auditEventListQuerySchema } from "@/lib/validations/audit";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/audit-events: the audit log, newest first, filtered (a token sees its environment's
// events and organization-wide ones; asking for the other environment is a 403)
export const GET = withApi({ scopes: ["audit:read"] }, async (ctx) => {
  const q = ctx.query(auditEventListQuerySchema);
  return json(
    await listAuditEvents(db, {
      ...auditFiltersFor(ctx, q),
      limit: q.limit,
      cursor: q.cursor,
    }),
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
