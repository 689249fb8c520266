import { assertNotTestToken } from "@/lib/api/environment-scope";
import { json, withApi } from "@/lib/api/with-api";
import { toAuditChainVerificationView, verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { db } from "@/lib/db/client";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/audit-events/verify: recompute the hash chain and report the first broken entry
// (the chain is organization-wide: console sessions and live tokens only)
export const GET = withApi({ scopes: ["audit:read"] }, async (ctx) => {
  assertNotTestToken(ctx, "The audit hash chain");
  return json(toAuditChainVerificationView(await verifyAuditChain(db, ctx.orgId)));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
