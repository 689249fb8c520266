import { requestOrigin } from "@/lib/api/request-info";
import { json, noContent, withApi } from "@/lib/api/with-api";
import { deleteInboundWebhook } from "@/lib/inbound/delete-inbound-webhook";
import { findInboundWebhook, lastReceivedAt } from "@/lib/inbound/get-inbound-webhooks";
import { updateInboundWebhook } from "@/lib/inbound/update-inbound-webhook";
import { inboundWebhookView } from "@/lib/inbound/views";
import { db } from "@/lib/db/client";
import { updateInboundWebhookSchema } from "@/lib/validations/inbound";
import { emptyBodySchema } from "@/lib/validations/common";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

type P = { id: string };

// GET /api/v1/inbound-webhooks/{id}: one incoming webhook
export const GET = withApi<P>({ scopes: ["inbound:read"] }, async (ctx) => {
  const w = await findInboundWebhook(db, { orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id });
  const last = await lastReceivedAt([w.id]);
  return json(inboundWebhookView(w, requestOrigin(ctx.req), last.get(w.id)));
});

// PATCH /api/v1/inbound-webhooks/{id}: edit name, handler, settings; status active/inactive
export const PATCH = withApi<P>({ scopes: ["inbound:write"], maxBodyBytes: 64 * 1024 }, async (ctx) => {
  const input = ctx.body(updateInboundWebhookSchema);
  const r = await updateInboundWebhook({
    orgId: ctx.orgId,
    environment: ctx.environment,
    id: ctx.params.id,
    patch: {
      name: input.name,
      handler: input.handler,
      eventType: input.event_type,
      forwardUrl: input.forward_url,
      verification: input.verification,
      verificationSecret: input.verification_secret,
      signatureHeader: input.signature_header,
      rateLimitPerMinute: input.rate_limit_per_minute,
      dedupWindowSeconds: input.dedup_window_seconds,
      forwardThrottle: { rateLimitPerSecond: input.forward_rate_limit_per_second, maxInFlight: input.forward_max_in_flight },
      status: input.status,
    },
    ctx: ctx.actor,
  });
  const last = await lastReceivedAt([r.webhook.id]);
  return json({
    ...inboundWebhookView(r.webhook, requestOrigin(ctx.req), last.get(r.webhook.id)),
    ...(r.verificationSecret ? { verification_secret: r.verificationSecret } : {}),
    ...(r.forwardSigningSecret ? { forward_signing_secret: r.forwardSigningSecret } : {}),
  });
});

// DELETE /api/v1/inbound-webhooks/{id}: delete it with its messages; the URL answers 404 from now on
export const DELETE = withApi<P>({ scopes: ["inbound:write"] }, async (ctx) => {
  ctx.body(emptyBodySchema);
  await deleteInboundWebhook({ orgId: ctx.orgId, environment: ctx.environment, id: ctx.params.id, ctx: ctx.actor });
  return noContent();
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, OPTIONS } = methodsNotAllowed(["GET", "PATCH", "DELETE"]);
