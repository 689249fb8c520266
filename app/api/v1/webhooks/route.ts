import { z } from "zod";
import { decodeCursor, paginate, paginationQuery } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { recoverCreated } from "@/lib/api/recover-request";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { WEBHOOKS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { listEndpoints } from "@/lib/webhooks/get-endpoints";
import { webhookView } from "@/lib/webhooks/views";
import { createWebhookSchema } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

// GET /api/v1/webhooks: outgoing endpoints in the webhooks shape, newest first
export const GET = withApi({ scopes: ["endpoints:read"] }, async (ctx) => {
  const q = ctx.query(paginationQuery);
  const rows = await listEndpoints({
    orgId: ctx.orgId,
    environment: ctx.environment,
    limit: q.limit,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (e) => ({ createdAt: e.createdAt.toISOString(), id: e.id }), webhookView));
});

// POST /api/v1/webhooks: create an endpoint subscribed to `events`; the secret is in this response only
// (a retry whose first try created it but crashed before answering gets that endpoint: recover)
const recover = recoverCreated({
  targetType: "endpoint",
  load: (id, s) => db.endpoint.findFirst({ where: { id, orgId: s.orgId, environment: s.environment as Environment, inboundWebhookId: null } }),
  view: webhookView,
  secretField: "secret",
});
export const POST = withApi({ scopes: ["endpoints:write"], maxBodyBytes: 64 * 1024, recover }, async (ctx) => {
  const input = ctx.body(createWebhookSchema);
  const { endpoint, secret } = await createEndpoint({
    orgId: ctx.orgId,
    environment: ctx.environment,
    name: input.name ?? hostOf(input.url),
    url: input.url,
    description: input.description,
    eventTypes: input.events,
    authToken: input.auth_token,
    active: input.active,
    webhookVersion: input.webhook_version,
    fields: WEBHOOKS_FIELDS,
    ctx: ctx.actor,
  });
  return json({ ...webhookView(endpoint), secret }, { status: 201 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
