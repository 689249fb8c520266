import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { requestOrigin } from "@/lib/api/request-info";
import { json, withApi } from "@/lib/api/with-api";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { lastReceivedAt, listInboundWebhooks } from "@/lib/inbound/get-inbound-webhooks";
import { inboundWebhookView } from "@/lib/inbound/views";
import { createInboundWebhookSchema, inboundListQuery } from "@/lib/validations/inbound";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ at: z.string(), id: z.string() });

// GET /api/v1/inbound-webhooks: incoming webhooks of the current environment, newest first
export const GET = withApi({ scopes: ["inbound:read"] }, async (ctx) => {
  const q = ctx.query(inboundListQuery);
  const rows = await listInboundWebhooks({
    orgId: ctx.orgId,
    environment: ctx.environment,
    limit: q.limit,
    status: q.status,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  const last = await lastReceivedAt(rows.map((r) => r.id));
  const origin = requestOrigin(ctx.req);
  return json(paginate(rows, q.limit, (w) => ({ at: w.createdAt.toISOString(), id: w.id }), (w) => inboundWebhookView(w, origin, last.get(w.id))));
});

// POST /api/v1/inbound-webhooks: create one; the integration token is in this response only
export const POST = withApi({ scopes: ["inbound:write"], maxBodyBytes: 64 * 1024 }, async (ctx) => {
  const input = ctx.body(createInboundWebhookSchema);
  const r = await createInboundWebhook({
    orgId: ctx.orgId,
    environment: ctx.environment,
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
    active: input.active,
    ctx: ctx.actor,
  });
  return json(
    {
      ...inboundWebhookView(r.webhook, requestOrigin(ctx.req), null),
      token: r.token,
      ...(r.verificationSecret ? { verification_secret: r.verificationSecret } : {}),
      ...(r.forwardSigningSecret ? { forward_signing_secret: r.forwardSigningSecret } : {}),
    },
    { status: 201 },
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
