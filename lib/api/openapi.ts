// The OpenAPI 3.1 document of /api/v1 and the OAuth endpoints, generated from the same zod
// schemas the route handlers validate with. Add each new operation here.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { z } from "zod";
import { listSchema, paginationQuery } from "@/lib/api/pagination";
import {
  auditChainVerificationSchema,
  auditCheckpointSchema,
  auditCheckpointVerificationSchema,
  auditEventListQuerySchema,
  auditEventListResponseSchema,
  auditExportQuerySchema,
} from "@/lib/validations/audit";
import {
  createCredentialSchema,
  createScopeSchema,
  credentialSchema,
  credentialWithSecretSchema,
  regenerateSecretSchema,
} from "@/lib/validations/credentials";
import {
  deliveryDetailSchema,
  deliveryListQuerySchema,
  deliverySchema,
  deliveryStatsQuerySchema,
  deliveryStatsSchema,
  replayFailedSchema,
  replayResponseSchema,
} from "@/lib/validations/deliveries";
import { consoleSessionSchema } from "@/lib/validations/auth";
import { acceptedEventSchema, createEventSchema, eventDetailSchema, eventListQuery, eventSchema } from "@/lib/validations/events";
import {
  acceptedSchema as inboundAcceptedSchema,
  createInboundWebhookSchema,
  inboundListQuery,
  inboundMessageSchema,
  inboundWebhookSchema,
  inboundWebhookWithSecretsSchema,
  messageListQuery,
  updateInboundWebhookSchema,
} from "@/lib/validations/inbound";
import {
  createEndpointSchema,
  createEventTypeSchema,
  createWebhookSchema,
  endpointListQuery,
  endpointSchema,
  endpointWithSecretSchema,
  eventTypeListQuery,
  eventTypeSchema,
  rotateSecretSchema,
  updateEndpointSchema,
  updateWebhookSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from "@/lib/validations/webhooks";
import {
  createInvitationSchema,
  invitationSchema,
  memberSchema,
  organizationSchema,
  updateMemberSchema,
  updateOrganizationSchema,
} from "@/lib/validations/orgs";

const problem = z
  .object({
    type: z.string().describe("urn:gatehouse:problem:<code>"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What went wrong, safe to show to a user"),
    code: z.string().describe("Stable machine-readable error code"),
    errors: z
      .array(z.object({ field: z.string().describe("Path of the field at fault, e.g. `scopes[0]`"), message: z.string() }))
      .optional(),
  })
  .meta({ id: "Problem" })
  .describe("RFC 9457 problem details");

const oauthError = z
  .object({
    error: z.enum([
      "invalid_request",
      "invalid_client",
      "invalid_grant",
      "unauthorized_client",
      "unsupported_grant_type",
      "invalid_scope",
      "unsupported_token_type",
      "rate_limited",
      "server_error",
    ]),
    error_description: z.string(),
  })
  .meta({ id: "OAuthError" })
  .describe("RFC 6749 §5.2 error response");

const idParam = z.object({ id: z.string().describe("Resource id") });

const jsonContent = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

function errors(...statuses: number[]) {
  const out: Record<string, { description: string; content: { "application/problem+json": { schema: typeof problem } } }> = {};
  for (const s of [401, 403, ...statuses]) {
    out[String(s)] = { description: "Problem", content: { "application/problem+json": { schema: problem } } };
  }
  return out;
}

function op(
  summary: string,
  opts: {
    scopes?: string[];
    sessionOnly?: boolean;
    query?: z.ZodObject;
    path?: z.ZodObject;
    body?: z.ZodType;
    status?: number;
    response?: z.ZodType;
    errors?: number[];
    headers?: { idempotent?: boolean };
  },
): ZodOpenApiOperationObject {
  const security: Record<string, string[]>[] = opts.sessionOnly
    ? [{ session: [] }]
    : [{ session: [] }, { bearer: opts.scopes ?? [] }];
  return {
    summary,
    description: opts.sessionOnly ? "Console session only; access tokens cannot call this." : undefined,
    security,
    requestParams: {
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.path ? { path: opts.path } : {}),
      ...(opts.headers?.idempotent
        ? {
            header: z.object({
              "Idempotency-Key": z
                .string()
                .max(255)
                .optional()
                .describe(
                  "Same key and body within 24 h → the same stored response, without one-time secrets (they are null and listed in `secrets_omitted` and the Secrets-Omitted header); same key, other body → 422; still in flight → 409",
                ),
            }),
          }
        : {}),
    },
    ...(opts.body ? { requestBody: jsonContent(opts.body) } : {}),
    responses: {
      [String(opts.status ?? 200)]: opts.response
        ? { description: "OK", ...jsonContent(opts.response) }
        : { description: opts.status === 204 ? "No content" : "OK" },
      ...errors(...(opts.errors ?? [])),
    },
  };
}

const paths: ZodOpenApiPathsObject = {
  "/api/v1/organization": {
    get: op("Get the organization", { response: organizationSchema }),
    patch: op("Rename the organization", { sessionOnly: true, body: updateOrganizationSchema, response: organizationSchema, errors: [422] }),
  },
  "/api/v1/members": {
    get: op("List members", { scopes: ["members:read"], response: listSchema(memberSchema) }),
  },
  "/api/v1/members/{id}": {
    patch: op("Change a member's role", { sessionOnly: true, path: idParam, body: updateMemberSchema, response: memberSchema, errors: [404, 409, 422] }),
    delete: op("Remove a member", { sessionOnly: true, path: idParam, status: 204, errors: [404, 409] }),
  },
  "/api/v1/sessions": {
    get: op("List your own console sessions", { sessionOnly: true, response: listSchema(consoleSessionSchema) }),
  },
  "/api/v1/sessions/{id}": {
    delete: op("End one of your console sessions", { sessionOnly: true, path: idParam, status: 204, errors: [404] }),
  },
  "/api/v1/invitations": {
    get: op("List pending invitations", { sessionOnly: true, response: listSchema(invitationSchema) }),
    post: op("Invite a member (the response carries the invite link, once)", {
      sessionOnly: true,
      body: createInvitationSchema,
      status: 201,
      response: invitationSchema,
      errors: [409, 422],
      headers: { idempotent: true },
    }),
  },
  "/api/v1/invitations/{id}": {
    delete: op("Revoke a pending invitation", { sessionOnly: true, path: idParam, status: 204, errors: [404, 409] }),
  },
  "/api/v1/credentials": {
    get: op("List credentials of the environment", { sessionOnly: true, query: paginationQuery, response: listSchema(credentialSchema) }),
    post: op("Create a credential (the client secret is in this response only)", {
      sessionOnly: true,
      body: createCredentialSchema,
      status: 201,
      response: credentialWithSecretSchema,
      errors: [422],
      headers: { idempotent: true },
    }),
  },
  "/api/v1/credentials/{id}": {
    get: op("Get a credential with usage and audit entries", { sessionOnly: true, path: idParam, response: credentialSchema, errors: [404] }),
  },
  "/api/v1/credentials/{id}/regenerate-secret": {
    post: op("Regenerate the client secret (shown once)", {
      sessionOnly: true,
      path: idParam,
      body: regenerateSecretSchema,
      response: credentialWithSecretSchema,
      errors: [404, 409, 422],
    }),
  },
  "/api/v1/credentials/{id}/revoke": {
    post: op("Revoke a credential and all its tokens, immediately", { sessionOnly: true, path: idParam, response: credentialSchema, errors: [404] }),
  },
  "/api/v1/scopes": {
    get: op("The scope catalog", {
      sessionOnly: true,
      response: listSchema(z.object({ name: z.string(), description: z.string(), built_in: z.boolean() })),
    }),
    post: op("Define a custom scope", { sessionOnly: true, body: createScopeSchema, status: 201, errors: [409, 422] }),
  },
  "/api/v1/audit-events": {
    get: op("List audit events, newest first", { scopes: ["audit:read"], query: auditEventListQuerySchema as unknown as z.ZodObject, response: auditEventListResponseSchema, errors: [422] }),
  },
  "/api/v1/audit-events/export": {
    get: op("Export audit events as CSV or JSON", { scopes: ["audit:read"], query: auditExportQuerySchema as unknown as z.ZodObject, errors: [422] }),
  },
  "/api/v1/audit-events/verify": {
    get: op("Verify the audit log's hash chain (live tokens and console sessions)", { scopes: ["audit:read"], response: auditChainVerificationSchema, errors: [403] }),
  },
  "/api/v1/audit-events/checkpoint": {
    get: op("Export a signed checkpoint of the audit chain's head (admins, live tokens)", { scopes: ["audit:read"], response: auditCheckpointSchema, errors: [403, 409] }),
  },
  "/api/v1/audit-events/checkpoint/verify": {
    post: op("Check a saved checkpoint against the audit log", { scopes: ["audit:read"], body: auditCheckpointSchema, response: auditCheckpointVerificationSchema, errors: [403, 422] }),
  },
  "/api/v1/endpoints": {
    get: op("List outgoing endpoints", { scopes: ["endpoints:read"], query: endpointListQuery, response: listSchema(endpointSchema) }),
    post: op("Create an endpoint (the signing secret is in this response only)", {
      scopes: ["endpoints:write"],
      body: createEndpointSchema,
      status: 201,
      response: endpointWithSecretSchema,
      errors: [422],
      headers: { idempotent: true },
    }),
  },
  "/api/v1/endpoints/{id}": {
    get: op("Get an endpoint", { scopes: ["endpoints:read"], path: idParam, response: endpointSchema, errors: [404] }),
    patch: op("Update an endpoint; status PAUSED holds its deliveries, ACTIVE releases them", {
      scopes: ["endpoints:write"],
      path: idParam,
      body: updateEndpointSchema,
      response: endpointSchema,
      errors: [404, 422],
    }),
    delete: op("Delete an endpoint", { scopes: ["endpoints:write"], path: idParam, status: 204, errors: [404] }),
  },
  "/api/v1/endpoints/{id}/rotate-secret": {
    post: op("Rotate the signing secret (the old one keeps signing during the grace period)", {
      scopes: ["endpoints:write"],
      path: idParam,
      body: rotateSecretSchema,
      response: endpointWithSecretSchema,
      errors: [404, 422],
    }),
  },
  "/api/v1/endpoints/{id}/stats": {
    get: op("An endpoint's delivery outcomes per hour (24h) or per day (7d), every bucket included", {
      scopes: ["deliveries:read"],
      path: idParam,
      query: deliveryStatsQuerySchema,
      response: deliveryStatsSchema,
      errors: [404, 422],
    }),
  },
  "/api/v1/webhooks": {
    get: op("List webhooks (the same endpoints, in the webhooks shape)", { scopes: ["endpoints:read"], query: endpointListQuery, response: listSchema(webhookSchema) }),
    post: op("Create a webhook (the secret is in this response only)", {
      scopes: ["endpoints:write"],
      body: createWebhookSchema,
      status: 201,
      response: webhookWithSecretSchema,
      errors: [422],
      headers: { idempotent: true },
    }),
  },
  "/api/v1/webhooks/{id}": {
    get: op("Get a webhook", { scopes: ["endpoints:read"], path: idParam, response: webhookSchema, errors: [404] }),
    patch: op("Update a webhook", { scopes: ["endpoints:write"], path: idParam, body: updateWebhookSchema, response: webhookSchema, errors: [404, 422] }),
    delete: op("Delete a webhook", { scopes: ["endpoints:write"], path: idParam, status: 204, errors: [404] }),
  },
  "/api/v1/event-types": {
    get: op("The event-type catalog", { scopes: ["events:read"], query: eventTypeListQuery, response: listSchema(eventTypeSchema) }),
    post: op("Create an event type", { scopes: ["events:write"], body: createEventTypeSchema, status: 201, response: eventTypeSchema, errors: [409, 422] }),
  },
  "/api/v1/event-types/{name}/archive": {
    post: op("Archive an event type (no new events of it)", {
      scopes: ["events:write"],
      path: z.object({ name: z.string() }),
      response: eventTypeSchema,
      errors: [404],
    }),
  },
  "/api/v1/events": {
    get: op("List events", { scopes: ["events:read"], query: eventListQuery, response: listSchema(eventSchema) }),
    post: op("Send an event to every subscribed endpoint", {
      scopes: ["events:write"],
      body: createEventSchema,
      status: 202,
      response: acceptedEventSchema,
      errors: [409, 413, 422],
      headers: { idempotent: true },
    }),
  },
  "/api/v1/events/{id}": {
    get: op("Get an event with its deliveries", { scopes: ["events:read"], path: idParam, response: eventDetailSchema, errors: [404] }),
  },
  "/api/v1/deliveries": {
    get: op("List deliveries, newest first", { scopes: ["deliveries:read"], query: deliveryListQuerySchema, response: listSchema(deliverySchema) }),
  },
  "/api/v1/deliveries/{id}": {
    get: op("Get a delivery with every attempt", { scopes: ["deliveries:read"], path: idParam, response: deliveryDetailSchema, errors: [404] }),
  },
  "/api/v1/deliveries/{id}/replay": {
    post: op("Replay a delivery", { scopes: ["deliveries:write"], path: idParam, status: 202, response: replayResponseSchema, errors: [404, 409] }),
  },
  "/api/v1/deliveries/replay-failed": {
    post: op("Replay every failed delivery since a time", {
      scopes: ["deliveries:write"],
      body: replayFailedSchema.extend({ endpoint_id: z.string().optional() }),
      status: 202,
      response: z.object({ replayed: z.number().int() }),
      errors: [422],
    }),
  },
  "/api/v1/inbound-webhooks": {
    get: op("List incoming webhooks", { scopes: ["inbound:read"], query: inboundListQuery, response: listSchema(inboundWebhookSchema) }),
    post: op("Create an incoming webhook (the integration token is in this response only)", {
      scopes: ["inbound:write"],
      body: createInboundWebhookSchema,
      status: 201,
      response: inboundWebhookWithSecretsSchema,
      errors: [422],
    }),
  },
  "/api/v1/inbound-webhooks/{id}": {
    get: op("Get an incoming webhook", { scopes: ["inbound:read"], path: idParam, response: inboundWebhookSchema, errors: [404] }),
    patch: op("Edit an incoming webhook, or activate/deactivate it (status)", {
      scopes: ["inbound:write"],
      path: idParam,
      body: updateInboundWebhookSchema,
      response: inboundWebhookWithSecretsSchema,
      errors: [404, 422],
    }),
    delete: op("Delete an incoming webhook and its messages", { scopes: ["inbound:write"], path: idParam, status: 204, errors: [404] }),
  },
  "/api/v1/inbound-webhooks/{id}/regenerate-token": {
    post: op("Regenerate the integration token (the old one is refused at once)", {
      scopes: ["inbound:write"],
      path: idParam,
      response: inboundWebhookWithSecretsSchema,
      errors: [404],
    }),
  },
  "/api/v1/inbound-webhooks/{id}/messages": {
    get: op("Messages an incoming webhook received, newest first", {
      scopes: ["inbound:read"],
      path: idParam,
      query: messageListQuery,
      response: listSchema(inboundMessageSchema),
      errors: [404],
    }),
  },
  "/api/v1/inbound-webhooks/{id}/messages/{messageId}": {
    get: op("One message with its whole body", {
      scopes: ["inbound:read"],
      path: z.object({ id: z.string(), messageId: z.string() }),
      response: inboundMessageSchema,
      errors: [404],
    }),
  },
  "/api/v1/inbound-webhooks/{id}/messages/{messageId}/replay": {
    post: op("Forward a forwarded message again", {
      scopes: ["inbound:write"],
      path: z.object({ id: z.string(), messageId: z.string() }),
      status: 202,
      response: z.object({ delivery_id: z.string(), status: z.string(), replay_of: z.string().nullable() }),
      errors: [404, 409],
    }),
  },
  "/in/{id}": {
    post: {
      summary: "The receiving URL of an incoming webhook",
      description:
        "Send the integration token as `Authorization: Bearer <token>` or `?token=<token>`. Any body up to 1 MiB; the Emit event " +
        "handler needs a JSON object. 401 token or signature, 404 unknown or inactive webhook, 405 other methods, 413 too large, " +
        "429 rate limited (Retry-After). Nothing is stored on a refusal.",
      security: [{ bearer: [] }, {}],
      requestParams: { path: idParam },
      responses: {
        "200": { description: "A repeat of a message already received (same webhook-id, signature verified): the first one's result", ...jsonContent(inboundAcceptedSchema) },
        "202": { description: "Stored (and handled)", ...jsonContent(inboundAcceptedSchema) },
        ...errors(400, 404, 405, 413, 422, 429),
      },
    },
  },
  "/oauth/token": {
    post: {
      summary: "Exchange client credentials for an access token (RFC 6749 §4.4)",
      security: [{ clientSecretBasic: [] }, {}],
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            schema: z.object({
              grant_type: z.literal("client_credentials"),
              scope: z.string().optional().describe("Space-separated subset of the credential's scopes; default all"),
              client_id: z.string().optional().describe("client_secret_post"),
              client_secret: z.string().optional().describe("client_secret_post"),
            }),
          },
        },
      },
      responses: {
        "200": {
          description: "Token",
          ...jsonContent(
            z.object({
              access_token: z.string(),
              token_type: z.literal("Bearer"),
              expires_in: z.number().int(),
              scope: z.string(),
            }),
          ),
        },
        "400": { description: "Error", ...jsonContent(oauthError) },
        "401": { description: "invalid_client", ...jsonContent(oauthError) },
        "429": { description: "Rate limited", ...jsonContent(oauthError) },
      },
    },
  },
};

let cached: ReturnType<typeof createDocument> | undefined;

export function openApiDocument() {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Gatehouse API",
      version: "1.0.0",
      description:
        "Credentials and webhooks. Authenticate with a bearer token from POST /oauth/token (scopes enforced), " +
        "or with the console session. Errors are application/problem+json (RFC 9457). Lists use cursor pagination.",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Access token from /oauth/token" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "Console session" },
        clientSecretBasic: { type: "http", scheme: "basic" },
      },
    },
    paths,
  });
  return cached;
}
