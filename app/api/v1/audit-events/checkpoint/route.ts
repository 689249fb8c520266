import { assertNotTestToken } from "@/lib/api/environment-scope";
import { json, withApi } from "@/lib/api/with-api";
import { createAuditCheckpoint } from "@/lib/audit/audit-checkpoint";
import { db } from "@/lib/db/client";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/audit-events/checkpoint: a signed checkpoint of the audit chain's head (admins; keep it outside Gatehouse)
export const GET = withApi({ scopes: ["audit:read"], role: "admin" }, async (ctx) => {
  assertNotTestToken(ctx, "An audit checkpoint");
  return json(await createAuditCheckpoint(db, ctx.orgId));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
