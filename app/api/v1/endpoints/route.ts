import { z } from "zod";
import { decodeCursor } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { recoverCreated } from "@/lib/api/recover-request";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { listEndpointViews } from "@/lib/webhooks/get-endpoints";
import { endpointViewWithHealth } from "@/lib/webhooks/views";
import { createEndpointSchema, endpointListQuery } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/endpoints: endpoints of the current environment, newest first
export const GET = withApi({ scopes: ["endpoints:read"] }, async (ctx) => {
  const q = ctx.query(endpointListQuery);
  return json(
    await listEndpointViews({
      orgId: ctx.orgId,
      environment: ctx.environment,
      limit: q.limit,
      status: q.status && (q.status.toLowerCase() as "active" | "paused" | "disabled"),
      cursor: decodeCursor(q.cursor, cursorSchema),
    }),
  );
});

// POST /api/v1/endpoints: create an endpoint; the signing secret is in this response only
// (a retry whose first try created it but crashed before answering gets that endpoint: recover)
const recover = recoverCreated({
  targetType: "endpoint",
  load: (id, s) => db.endpoint.findFirst({ where: { id, orgId: s.orgId, environment: s.environment as Environment, inboundWebhookId: null } }),
  view: endpointViewWithHealth,
  secretField: "secret",
});
export const POST = withApi({ scopes: ["endpoints:write"], maxBodyBytes: 64 * 1024, recover }, async (ctx) => {
  const input = ctx.body(createEndpointSchema);
  const { endpoint, secret } = await createEndpoint({
    orgId: ctx.orgId,
    environment: ctx.environment,
    name: input.name,
    url: input.url,
    description: input.description,
    eventTypes: input.event_types,
    secret: input.secret,
    headers: input.headers_json,
    authToken: input.auth_token,
    timeoutSeconds: input.timeout_seconds,
    webhookVersion: input.webhook_version,
    operatorEvents: input.operator_events,
    filter: input.filter,
    channels: input.channels,
    rateLimitPerSecond: input.rate_limit_per_second,
    maxInFlight: input.max_in_flight,
    ordering: input.ordering,
    fields: ENDPOINTS_FIELDS,
    ctx: ctx.actor,
  });
  return json({ ...(await endpointViewWithHealth(endpoint)), secret }, { status: 201 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
