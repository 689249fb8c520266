import { json, withApi } from "@/lib/api/with-api";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { getRetention, updateRetention } from "@/lib/orgs/retention-setting";
import { retentionInputSchema } from "@/lib/validations/orgs";

// GET /api/v1/organization/retention: how long events, deliveries and inbound messages are kept
export const GET = withApi({ sessionOnly: true }, async (ctx) => json(await getRetention(ctx.orgId)));

// PATCH /api/v1/organization/retention: change it (owners only; null: the server's default)
export const PATCH = withApi({ role: "owner", sessionOnly: true }, async (ctx) => {
  const { retention_days } = ctx.body(retentionInputSchema);
  return json(await updateRetention({ orgId: ctx.orgId, days: retention_days, ctx: ctx.actor }));
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "PATCH"]);
