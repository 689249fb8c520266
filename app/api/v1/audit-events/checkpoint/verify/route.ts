import { assertNotTestToken } from "@/lib/api/environment-scope";
import { json, withApi } from "@/lib/api/with-api";
import { verifyAuditCheckpoint } from "@/lib/audit/audit-checkpoint";
import { db } from "@/lib/db/client";
import { auditCheckpointSchema } from "@/lib/validations/audit";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/audit-events/checkpoint/verify: check a saved checkpoint against the log (were events up to it removed or rewritten?)
export const POST = withApi({ scopes: ["audit:read"], role: "viewer" }, async (ctx) => {
  assertNotTestToken(ctx, "An audit checkpoint");
  const cp = ctx.body(auditCheckpointSchema);
  return json(await verifyAuditCheckpoint(db, ctx.orgId, cp));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
