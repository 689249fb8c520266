import { json, withApi } from "@/lib/api/with-api";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { auditEventListQuerySchema } from "@/lib/validations/audit";

// GET /api/v1/audit-events: the audit log, newest first, filtered
export const GET = withApi({ scopes: ["audit:read"] }, async (ctx) => {
  const q = ctx.query(auditEventListQuerySchema);
  return json(
    await listAuditEvents(db, {
      orgId: ctx.orgId,
      actor: q.actor,
      action: q.action,
      targetId: q.target_id,
      from: q.from,
      to: q.to,
      environment: q.environment,
      limit: q.limit,
      cursor: q.cursor,
    }),
  );
});
