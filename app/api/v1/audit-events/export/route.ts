import { auditFiltersFor } from "@/lib/api/environment-scope";
import { withApi } from "@/lib/api/with-api";
import { auditExport } from "@/lib/audit/export-audit-events";
import { db } from "@/lib/db/client";
import { auditExportQuerySchema } from "@/lib/validations/audit";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/audit-events/export?format=csv|json: every matching event, streamed as a download
// (a token: its environment's events and organization-wide ones only)
export const GET = withApi({ scopes: ["audit:read"] }, async (ctx) => {
  const q = ctx.query(auditExportQuerySchema);
  const out = auditExport(db, auditFiltersFor(ctx, q), q.format);
  return new Response(out.body, {
    headers: {
      "content-type": out.contentType,
      "content-disposition": `attachment; filename="${out.filename}"`,
      "cache-control": "no-store",
    },
  });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
