// The OpenAPI 3.1 document of /api/v1 and the OAuth endpoints, generated from the same zod
// schemas the route handlers validate with. Add each new operation here: tests/helpers/route-server.ts
// fails any test whose responses it does not declare.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { z } from "zod";
import { listSchema, paginationQuery, shortListQuery } from "@/lib/api/pagination";
import { BUILT_IN_SCOPES } from "@/lib/credentials/scopes";
import { credentialPolicyInputSchema, credentialPolicySchema } from "@/lib/validations/credential-policy";
import { env } from "@/lib/env";
import { DEFAULT_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { GATEHOUSE_EVENT_TYPES } from "@/lib/notifications/gatehouse-event-types";
import { ONE_TIME_SECRET_FIELDS } from "@/lib/api/idempotency";
import { emptyBodySchema } from "@/lib/validations/common";
import {
  auditChainVerificationSchema,
  auditCheckpointSchema,
  auditCheckpointVerificationSchema,
  auditEventListQuerySchema,
  auditEventListResponseSchema,
  auditEventSchema,
  auditExportQuerySchema,
} from "@/lib/validations/audit";
import {
  createCredentialSchema,
  createScopeSchema,
  credentialDetailSchema,
  credentialActivitySchema,
  setClientKeysSchema,
  credentialSchema,
  credentialWithSecretSchema,
  regenerateSecretSchema,
  updateCredentialSchema,
  scopeSchema,
} from "@/lib/validations/credentials";
import {
  deliveryDetailSchema,
  deliveryListQuerySchema,
  deliverySchema,
  deliveryStatsQuerySchema,
  deliveryStatsSchema,
  endpointDeliveryStatsSchema,
  replayFailedPreviewQuerySchema,
  replayFailedPreviewSchema,
  replayFailedSchema,
  replayResponseSchema,
} from "@/lib/validations/deliveries";
import { consoleSessionSchema } from "@/lib/validations/auth";
import { markAllReadSchema, notificationListQuery, notificationListSchema, notificationSchema } from "@/lib/validations/notifications";
import {
  acceptedEventSchema,
  acceptedTestEventSchema,
  createEventSchema,
  eventDetailSchema,
  eventListQuery,
  eventListItemSchema,
  testEventSchema,
} from "@/lib/validations/events";
import {
  acceptedSchema as inboundAcceptedSchema,
  createInboundWebhookSchema,
  inboundListQuery,
  inboundMessageSchema,
  inboundWebhookSchema,
  inboundWebhookWithSecretsSchema,
  inboundRejectionSchema,
  regenerateTokenSchema,
  rejectionListQuery,
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
  eventTypeUpdateResultSchema,
  updateEventTypeSchema,
  revealedSecretSchema,
  rotateSecretSchema,
  updateEndpointSchema,
  updateWebhookSchema,
  webhookSchema,
  webhookWithSecretSchema,
  filterPreviewResultSchema,
  filterPreviewSchema,
  recoverEndpointResultSchema,
  recoverEndpointSchema,
  recoveryJobSchema,
} from "@/lib/validations/webhooks";
import {
  createInvitationSchema,
  invitationSchema,
  memberSchema,
  organizationSchema,
  passwordResetSchema,
  updateMemberSchema,
  updateOrganizationSchema,
  retentionInputSchema,
  retentionSchema,
} from "@/lib/validations/orgs";

/**
 * The license the document states. The project declares none yet (package.json has no
 * "license"): "UNLICENSED" is npm's word for that; change both together when one is chosen.
 */
const API_LICENSE = { name: "UNLICENSED", identifier: undefined as string | undefined };

const problem = z
  .looseObject({
    type: z.string().describe("urn:gatehouse:problem:<code>"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What went wrong, safe to show to a user"),
    code: z.string().describe("Stable machine-readable error code"),
    errors: z
      .array(
        z.object({
          field: z.string().describe("Path of the field at fault, e.g. `scopes[0]`; an unknown field's message is \"Received unknown parameter\""),
          message: z.string(),
          position: z.number().int().optional().describe("For a field with a syntax (an endpoint's `filter`, a channel name): where in its text the problem is, as a 0-based character offset"),
        }),
      )
      .optional(),
    instance: z.string().optional().describe("This occurrence: urn:gatehouse:request:<id>, where <id> is the response's X-Request-Id (on every log line of the request)"),
  })
  .meta({ id: "Problem" })
  .describe("RFC 9457 problem details (other members may be added, as RFC 9457 allows)");

const oauthError = z
  .looseObject({
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
      "temporarily_unavailable",
    ]),
    error_description: z.string(),
  })
  .meta({ id: "OAuthError" })
  .describe("RFC 6749 §5.2 error response");

const idParam = z.object({ id: z.string().describe("Resource id") });
const eventTypeParam = z.object({ name: z.string().describe("Event type name") });
const messageParams = z.object({ id: z.string().describe("Incoming webhook id"), messageId: z.string().describe("Message id") });

const jsonContent = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const problemContent = { content: { "application/problem+json": { schema: problem } } };

/** Why each problem status can happen; every operation lists the ones that apply to it. */
const PROBLEM_STATUS: Record<number, string> = {
  400: "The request cannot be read (malformed JSON, NUL or an invalid escape in the path or query)",
  401: "No valid session or bearer token",
  403: "The role or the token's scopes do not allow it, or a cross-site request",
  404: "Not found in this organization and environment",
  409: "Conflict (a unique value is taken, the state does not allow it, or the Idempotency-Key is still in flight)",
  410: "Gone",
  413: "The body is larger than this operation accepts",
  415: "The body is not JSON",
  422: "Invalid input: `errors` names each field or query parameter (unknown ones included), or a cursor this API did not return",
  429: "Rate limited: too many requests with this access token's credential (GATEHOUSE_API_RATE_LIMIT per minute); Retry-After says when to retry",
  500: "Unexpected error (logged; no details are returned)",
  503: "The database is not reachable right now, or did not answer in time (`unavailable`); Retry-After says when to retry (a POST with the same Idempotency-Key is safe to repeat)",
};

function problems(statuses: Iterable<number>) {
  const out: Record<string, { description: string; content: { "application/problem+json": { schema: typeof problem } } }> = {};
  for (const s of [...new Set(statuses)].sort()) out[String(s)] = { description: PROBLEM_STATUS[s] ?? "Problem", ...problemContent };
  return out;
}

const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .max(255)
    .optional()
    .describe(
      "Same key and body (compared as canonical JSON) within 24 h → the same stored response, without one-time secrets (they are null and listed in `secrets_omitted` and the Secrets-Omitted header); same key, other body → 422; still in flight → 409; done but its answer lost (the server stopped) → the created resource (201, secret omitted), or 409 `idempotency_completed` naming what was done",
    ),
});

/**
 * A POST response as an Idempotency-Key replay may also give it: each one-time secret null, and
 * `secrets_omitted` naming them (idempotency.ts, withoutOneTimeSecrets).
 */
function replayable(schema: z.ZodType): z.ZodType {
  if (!(schema instanceof z.ZodObject)) return schema;
  const shape = schema.shape as Record<string, z.ZodType>;
  const secrets = ONE_TIME_SECRET_FIELDS.filter((f) => f in shape);
  if (!secrets.length) return schema;
  return schema.extend({
    ...Object.fromEntries(secrets.map((f) => [f, shape[f]!.nullable()])),
    secrets_omitted: z
      .array(z.string())
      .optional()
      .describe("Only in an Idempotency-Key replay: the one-time secrets left out (their fields are null)"),
  });
}

type OpOptions = {
  scopes?: string[];
  sessionOnly?: boolean;
  query?: z.ZodType;
  path?: z.ZodObject;
  /** The JSON body; operations without one refuse any field (`emptyBodySchema`). */
  body?: z.ZodType;
  status?: number;
  response?: z.ZodType;
  /** Problem statuses beyond the ones every operation of its kind can return. */
  errors?: number[];
  /** Extra text for the description. */
  description?: string;
  /** An example request body and/or success response, shown by documentation tools and checked against the schemas (redocly lint). */
  example?: { request?: unknown; response?: unknown };
};

const withExample = (value: unknown) => (value === undefined ? {} : { examples: { example: { value } } });

const UNSAFE_METHODS = new Set(["post", "put", "patch", "delete"]);

/** One /api/v1 operation; `method` decides the problems its kind can return. */
function op(method: "get" | "post" | "patch" | "delete", operationId: string, summary: string, opts: OpOptions = {}): ZodOpenApiOperationObject {
  const unsafe = UNSAFE_METHODS.has(method);
  const security: Record<string, string[]>[] = opts.sessionOnly ? [{ session: [] }] : [{ session: [] }, { oauth2: opts.scopes ?? [] }];
  // Calls with an access token count against their credential's limit (withApi): 429.
  // Every operation reads or writes the database: while it is down, 503 (lib/api/errors.ts).
  const statuses = [400, 401, 403, 422, 500, 503, ...(opts.sessionOnly ? [] : [429]), ...(opts.errors ?? [])];
  if (opts.path) statuses.push(404);
  if (unsafe) statuses.push(413, 415);
  // Every POST takes an Idempotency-Key (withApi); a replay leaves one-time secrets out.
  const idempotent = method === "post";
  if (idempotent) statuses.push(409);
  const description = [opts.sessionOnly ? "Console session only; access tokens cannot call this." : undefined, opts.description]
    .filter(Boolean)
    .join(" ");
  const body = opts.body ?? (unsafe ? emptyBodySchema : undefined);
  return {
    operationId,
    summary,
    ...(description ? { description } : {}),
    security,
    requestParams: {
      ...(opts.query ? { query: opts.query as z.ZodObject } : {}),
      ...(opts.path ? { path: opts.path } : {}),
      ...(idempotent ? { header: idempotencyHeader } : {}),
    },
    ...(body
      ? { requestBody: { required: opts.body !== undefined && method !== "delete", content: { "application/json": { schema: body, ...withExample(opts.example?.request) } } } }
      : {}),
    responses: {
      [String(opts.status ?? 200)]: opts.response
        ? {
            description: opts.status === 201 ? "Created" : opts.status === 202 ? "Accepted" : "OK",
            content: { "application/json": { schema: idempotent ? replayable(opts.response) : opts.response, ...withExample(opts.example?.response) } },
          }
        : { description: opts.status === 204 ? "No content" : "OK" },
      ...problems(statuses),
    },
  };
}

const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string(),
  })
  .meta({ id: "TokenResponse" });

const oauthForm = (fields: Record<string, z.ZodType>, example?: Record<string, string>) => ({
  required: true,
  content: {
    "application/x-www-form-urlencoded": {
      schema: z.object({
        ...fields,
        client_id: z.string().optional().describe("client_secret_post (optional with private_key_jwt: then the assertion's sub)"),
        client_secret: z.string().optional().describe("client_secret_post"),
        client_assertion_type: z
          .literal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
          .optional()
          .describe("private_key_jwt (RFC 7523), for credentials with registered public keys"),
        client_assertion: z
          .string()
          .optional()
          .describe("private_key_jwt: a JWT signed with the client's key; iss = sub = client_id, aud = the issuer or this endpoint's URL, exp at most 5 minutes after iat, a jti never used before"),
      }),
      ...withExample(example),
    },
  },
});

/** OAuth endpoints answer RFC 6749 §5.2 JSON errors, not problem+json. */
function oauthErrors(...statuses: number[]) {
  const why: Record<number, string> = {
    400: "invalid_request, unsupported_grant_type, invalid_scope …",
    401: "invalid_client: unknown client, wrong secret or assertion, revoked or expired credential, or a secret sent for a credential set to keys only (keys_only: private_key_jwt alone authenticates)",
    413: "The body is too large",
    429: "rate_limited: too many requests (per client and per address), the credential's issuance quota is used up (token endpoint), or the client ID is locked out after repeated wrong secrets; Retry-After says when to retry",
    500: "server_error",
    503: "temporarily_unavailable: the database is not reachable right now, or did not answer in time; Retry-After says when to retry",
  };
  return Object.fromEntries(statuses.map((s) => [String(s), { description: why[s] ?? "Error", ...jsonContent(oauthError) }]));
}

const authorizationServerMetadata = z
  .looseObject({
    issuer: z.string(),
    token_endpoint: z.string(),
    introspection_endpoint: z.string(),
    revocation_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()).describe("Algorithms accepted on private_key_jwt client assertions"),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
  })
  .describe("RFC 8414 authorization server metadata");

const introspection = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    token_type: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    sub: z.string().optional(),
    iss: z.string().optional(),
    environment: z.enum(["test", "live"]).optional(),
  })
  .describe("RFC 7662 introspection response; only `active` when the token is not active");

// Examples of the main operations (checked against their schemas by `redocly lint`, redocly.yaml).
const EX = {
  at: "2026-11-02T09:30:00.000Z",
  eventId: "evt_5f0c1b7e2d9a4c3b8e6f1a2d3c4b5a69",
  endpointId: "ep_0b6c2d1e-4f5a-4b7c-9d8e-1f2a3b4c5d6e",
  deliveryId: "msg_5f0c1b7e2d9a4c3b8e6f1a2d3c4b5a69_0b6c2d1e",
  data: { invoice_id: "in_1042", amount: 4200, currency: "EUR" },
};
const exampleEndpoint = {
  id: EX.endpointId,
  name: "Billing service",
  url: "https://billing.example.com/webhooks/gatehouse",
  description: "Marks invoices paid",
  event_types: ["invoice.paid"],
  filter: 'data.amount > 100 && data.currency in ["usd", "eur"]',
  channels: [],
  headers_json: {},
  timeout_seconds: 10,
  rate_limit_per_second: 50,
  max_in_flight: 10,
  ordering: "none",
  status: "ACTIVE",
  paused_at: null,
  disabled_reason: null,
  auth_token_configured: false,
  webhook_version: "2026-11-01",
  environment: "live",
  previous_secret_expires_at: null,
  secret_rotated_at: null,
  older_secrets_expire_at: [],
  consecutive_failures: 0,
  operator_events: false,
  health: {
    state: "healthy",
    failing_reason: null,
    consecutive_failures: 0,
    failing_since: null,
    last_success_at: "2026-11-02T09:30:00.180Z",
    seconds_since_last_success: 42,
    disables_at: null,
    circuit: { state: "closed", opened_at: null, next_probe_at: null, probes: 0 },
    windows: {
      "1h": { attempts: 120, succeeded: 120, success_rate: 100, latency_p50_ms: 45, latency_p95_ms: 180 },
      "24h": { attempts: 2410, succeeded: 2402, success_rate: 99.7, latency_p50_ms: 50, latency_p95_ms: 210 },
      "7d": { attempts: 15980, succeeded: 15901, success_rate: 99.5, latency_p50_ms: 50, latency_p95_ms: 240 },
    },
    receiver_pause: null,
  },
  created_at: EX.at,
  updated_at: EX.at,
};
const exampleInbound = {
  id: "iwh_01jdz6y8r4t2w0q9p7n5m3k1h0",
  name: "Stripe payments",
  url: "https://gatehouse.example.com/in/iwh_01jdz6y8r4t2w0q9p7n5m3k1h0",
  handler: "event",
  event_type: "payment.received",
  forward_url: null,
  forward_endpoint_id: null,
  forward_rate_limit_per_second: null,
  forward_max_in_flight: null,
  verification: "stripe",
  signature_header: null,
  status: "active",
  rate_limit_per_minute: 600,
  dedup_window_seconds: 259200,
  verification_secret_configured: true,
  token_last4: "f8n0",
  token_regenerated_at: null,
  previous_token: null,
  environment: "live",
  created_at: "2026-12-05T08:00:00.000Z",
  updated_at: "2026-12-05T08:00:00.000Z",
  last_received_at: "2026-12-05T09:10:00.000Z",
};

const exampleCause = {
  type: "credential",
  id: "cm3k2x0a10000abcdqwerty12",
  label: "Billing backend",
  ip: "203.0.113.7",
  message_id: null,
  at: EX.at,
  verified: true,
};
const exampleDelivery = {
  id: EX.deliveryId,
  event_id: EX.eventId,
  event_type: "invoice.paid",
  endpoint_id: EX.endpointId,
  endpoint_name: "Billing service",
  status: "succeeded",
  attempts: 1,
  next_attempt_at: null,
  last_attempt_at: "2026-11-02T09:30:00.120Z",
  last_response_status: 200,
  last_error: null,
  held_reason: null,
  replay_of: null,
  replay_requested_at: null,
  replay_requested_by: null,
  created_at: EX.at,
  completed_at: "2026-11-02T09:30:00.180Z",
  caused_by: exampleCause,
};
const EXAMPLES = {
  listEvents: {
    response: {
      data: [
        {
          id: EX.eventId,
          type: "invoice.paid",
          external_id: "invoice-1042-paid",
          data: EX.data,
          channels: [],
          environment: "live",
          created_at: EX.at,
          caused_by: exampleCause,
          deliveries: { total: 1, pending: 0, held: 0, succeeded: 1, failed: 0 },
        },
      ],
      next_cursor: null,
    },
  },
  createEvent: {
    request: { type: "invoice.paid", data: EX.data, id: "invoice-1042-paid" },
    response: { id: EX.eventId, type: "invoice.paid", external_id: "invoice-1042-paid", deliveries: 1, created_at: EX.at },
  },
  listEndpoints: { response: { data: [exampleEndpoint], next_cursor: null } },
  // The throttle: 5 deliveries a second, 2 at once, one message at a time in order.
  updateEndpoint: {
    request: { rate_limit_per_second: 5, max_in_flight: 2, ordering: "fifo" },
    response: { ...exampleEndpoint, rate_limit_per_second: 5, max_in_flight: 2, ordering: "fifo" },
  },
  createEndpoint: {
    request: {
      name: "Billing service",
      url: "https://billing.example.com/webhooks/gatehouse",
      description: "Marks invoices paid",
      event_types: ["invoice.paid"],
      rate_limit_per_second: 50,
      max_in_flight: 10,
    },
    response: { ...exampleEndpoint, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  },
  listDeliveries: { response: { data: [exampleDelivery], next_cursor: null } },
  createInboundWebhook: {
    request: { name: "Stripe payments", handler: "event", event_type: "payment.received", verification: "stripe", verification_secret: "whsec_from_the_stripe_dashboard", dedup_window_seconds: 259200 },
    response: { ...exampleInbound, token: "gin_live_4eC39HqLyjWDarjtT1zdp7dcVx0KHf8n" },
  },
  listInboundWebhooks: { response: { data: [exampleInbound], next_cursor: null } },
  regenerateInboundToken: {
    request: { grace_period_seconds: 86400 },
    response: {
      ...exampleInbound,
      token_last4: "Zq81",
      token_regenerated_at: "2026-12-05T09:00:00.000Z",
      previous_token: { last4: "f8n0", valid_until: "2026-12-06T09:00:00.000Z", last_used_at: null, last_used_ip: null },
      token: "gin_live_9xT2mQ4kLr8vN1pW6yB3cZ7hJ5dF0sZq81",
    },
  },
  listInboundRejections: {
    response: {
      data: [
        {
          id: "irej_01jdz7k2m9x8c4v6b3n5q7w9e1",
          webhook_id: exampleInbound.id,
          received_at: "2026-12-05T09:14:07.112Z",
          method: "POST",
          source_ip: "54.187.174.169",
          user_agent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          status: 401,
          reason: "signature_invalid",
          detail: "Signature check failed: Stripe-Signature t= is 412 s old, more than the 300 s tolerance (a stale or replayed request).",
          body_size: 1843,
          token_last4: "f8n0",
        },
      ],
      next_cursor: null,
    },
  },
};

const paths: ZodOpenApiPathsObject = {
  "/api/v1/organization": {
    get: op("get", "getOrganization", "Get the organization", { response: organizationSchema }),
    patch: op("patch", "updateOrganization", "Rename the organization", { sessionOnly: true, body: updateOrganizationSchema, response: organizationSchema }),
  },
  "/api/v1/organization/credential-policy": {
    get: op("get", "getCredentialPolicy", "The credential policy, and the active credentials that break it", { sessionOnly: true, response: credentialPolicySchema }),
    patch: op("patch", "updateCredentialPolicy", "Change the credential policy (owners only; fields left out keep their value; existing credentials are listed, not changed)", {
      sessionOnly: true,
      body: credentialPolicyInputSchema,
      response: credentialPolicySchema,
    }),
  },
  "/api/v1/organization/retention": {
    get: op("get", "getRetention", "How long events, deliveries and inbound messages are kept", { sessionOnly: true, response: retentionSchema }),
    patch: op("patch", "updateRetention", "Change how long they are kept (owners only; null: the server's default; undelivered events are never deleted)", {
      sessionOnly: true,
      body: retentionInputSchema,
      response: retentionSchema,
    }),
  },
  "/api/v1/members": {
    get: op("get", "listMembers", "List members", { scopes: ["members:read"], query: shortListQuery, response: listSchema(memberSchema) }),
  },
  "/api/v1/members/{id}": {
    patch: op("patch", "updateMember", "Change a member's role", { sessionOnly: true, path: idParam, body: updateMemberSchema, response: memberSchema, errors: [409] }),
    delete: op("delete", "deleteMember", "Remove a member", { sessionOnly: true, path: idParam, status: 204, errors: [409] }),
  },
  "/api/v1/members/{id}/password-reset": {
    post: op("post", "createPasswordReset", "Make a one-time password reset link for a member (owners only; the link is in this response only)", {
      sessionOnly: true,
      path: idParam,
      status: 201,
      response: passwordResetSchema,
      errors: [409],
    }),
  },
  "/api/v1/sessions": {
    get: op("get", "listSessions", "List your own console sessions", { sessionOnly: true, query: shortListQuery, response: listSchema(consoleSessionSchema) }),
  },
  "/api/v1/sessions/{id}": {
    delete: op("delete", "deleteSession", "End one of your console sessions", { sessionOnly: true, path: idParam, status: 204 }),
  },
  "/api/v1/notifications": {
    get: op("get", "listNotifications", "Your notifications (this environment's and org-wide), newest first, with your own read state and unread count", {
      sessionOnly: true,
      query: notificationListQuery,
      response: notificationListSchema,
    }),
  },
  "/api/v1/notifications/{id}/read": {
    post: op("post", "markNotificationRead", "Mark a notification read (for you only: read state is per member)", {
      sessionOnly: true,
      path: idParam,
      response: notificationSchema,
    }),
  },
  "/api/v1/notifications/read-all": {
    post: op("post", "markAllNotificationsRead", "Mark every notification you can see here read (for you only)", {
      sessionOnly: true,
      response: markAllReadSchema,
    }),
  },
  "/api/v1/invitations": {
    get: op("get", "listInvitations", "List pending invitations", { sessionOnly: true, query: shortListQuery, response: listSchema(invitationSchema) }),
    post: op("post", "createInvitation", "Invite a member (the response carries the invite link, once)", {
      sessionOnly: true,
      body: createInvitationSchema,
      status: 201,
      response: invitationSchema,
      errors: [409],
    }),
  },
  "/api/v1/invitations/{id}": {
    delete: op("delete", "deleteInvitation", "Revoke a pending invitation", { sessionOnly: true, path: idParam, status: 204, errors: [409] }),
  },
  "/api/v1/credentials": {
    get: op("get", "listCredentials", "List credentials of the environment", { sessionOnly: true, query: paginationQuery, response: listSchema(credentialSchema) }),
    post: op("post", "createCredential", "Create a credential (the client secret is in this response only)", {
      sessionOnly: true,
      body: createCredentialSchema,
      status: 201,
      response: credentialWithSecretSchema,
    }),
  },
  "/api/v1/credentials/{id}": {
    get: op("get", "getCredential", "Get a credential with usage and audit entries", { sessionOnly: true, path: idParam, response: credentialDetailSchema }),
    patch: op("patch", "updateCredential", "Change name, scopes (from the next token on), expiry, the issuance quota or keys only (secrets refused, private_key_jwt only); fields left out keep their value", {
      sessionOnly: true,
      path: idParam,
      body: updateCredentialSchema,
      response: credentialSchema,
      errors: [409],
    }),
  },
  "/api/v1/credentials/{id}/activity": {
    get: op("get", "getCredentialActivity", "What the credential caused: events posted with its tokens, their deliveries, its changes", {
      scopes: ["events:read", "deliveries:read", "audit:read"],
      path: idParam,
      response: credentialActivitySchema,
    }),
  },
  "/api/v1/credentials/{id}/client-keys": {
    post: op("post", "setCredentialClientKeys", "Register the public keys (a JWKS, or a URL serving one) the client signs private_key_jwt assertions with", {
      sessionOnly: true,
      path: idParam,
      body: setClientKeysSchema,
      response: credentialSchema,
      errors: [409],
    }),
    delete: op("delete", "removeCredentialClientKeys", "Remove the private_key_jwt public keys (409 while the credential is keys only)", { sessionOnly: true, path: idParam, response: credentialSchema, errors: [409] }),
  },
  "/api/v1/credentials/{id}/clear-lockout": {
    post: op("post", "clearCredentialLockout", "Lift a lockout after repeated wrong secrets now", {
      sessionOnly: true,
      path: idParam,
      response: credentialSchema,
      errors: [409],
    }),
  },
  "/api/v1/credentials/{id}/regenerate-secret": {
    post: op("post", "regenerateCredentialSecret", "Regenerate the client secret (shown once)", {
      sessionOnly: true,
      path: idParam,
      body: regenerateSecretSchema,
      response: credentialWithSecretSchema,
      errors: [409],
    }),
  },
  "/api/v1/credentials/{id}/end-grace-period": {
    post: op("post", "endCredentialGracePeriod", "End the rotation grace period now: only the current secret keeps working", {
      sessionOnly: true,
      path: idParam,
      response: credentialSchema,
      errors: [409],
    }),
  },
  "/api/v1/credentials/{id}/revoke": {
    post: op("post", "revokeCredential", "Revoke a credential and all its tokens, immediately", { sessionOnly: true, path: idParam, response: credentialSchema }),
  },
  "/api/v1/scopes": {
    get: op("get", "listScopes", "The scope catalog", { sessionOnly: true, query: shortListQuery, response: listSchema(scopeSchema) }),
    post: op("post", "createScope", "Define a custom scope", { sessionOnly: true, body: createScopeSchema, status: 201, response: scopeSchema, errors: [409] }),
  },
  "/api/v1/audit-events": {
    get: op("get", "listAuditEvents", "List audit events, newest first", { scopes: ["audit:read"], query: auditEventListQuerySchema, response: auditEventListResponseSchema }),
  },
  "/api/v1/audit-events/export": {
    get: {
      ...op("get", "exportAuditEvents", "Export audit events as CSV or JSON", { scopes: ["audit:read"], query: auditExportQuerySchema }),
      responses: {
        "200": {
          description: "Every matching event, oldest first, as a download: CSV (format=csv) or a JSON array (format=json)",
          content: {
            "text/csv": { schema: z.string().describe("One row per event, with a header row") },
            "application/json": { schema: z.array(auditEventSchema) },
          },
        },
        ...problems([400, 401, 403, 422, 429, 500, 503]),
      },
    },
  },
  "/api/v1/audit-events/verify": {
    get: op("get", "verifyAuditChain", "Verify the audit log's hash chain (live tokens and console sessions)", { scopes: ["audit:read"], response: auditChainVerificationSchema }),
  },
  "/api/v1/audit-events/checkpoint": {
    get: op("get", "getAuditCheckpoint", "Export a signed checkpoint of the audit chain's head (admins, live tokens)", { scopes: ["audit:read"], response: auditCheckpointSchema, errors: [409] }),
  },
  "/api/v1/audit-events/checkpoint/verify": {
    post: op("post", "verifyAuditCheckpoint", "Check a saved checkpoint against the audit log", { scopes: ["audit:read"], body: auditCheckpointSchema, response: auditCheckpointVerificationSchema }),
  },
  "/api/v1/endpoints": {
    get: op("get", "listEndpoints", "List outgoing endpoints", {
      scopes: ["endpoints:read"],
      query: endpointListQuery,
      response: listSchema(endpointSchema),
      example: EXAMPLES.listEndpoints,
    }),
    post: op("post", "createEndpoint", "Create an endpoint (the signing secret is in this response only)", {
      scopes: ["endpoints:write"],
      body: createEndpointSchema,
      status: 201,
      response: endpointWithSecretSchema,
      example: EXAMPLES.createEndpoint,
    }),
  },
  "/api/v1/endpoints/{id}": {
    get: op("get", "getEndpoint", "Get an endpoint", { scopes: ["endpoints:read"], path: idParam, response: endpointSchema }),
    patch: op("patch", "updateEndpoint", "Update an endpoint; status PAUSED holds its deliveries, ACTIVE releases them; rate_limit_per_second, max_in_flight and ordering throttle its deliveries", {
      scopes: ["endpoints:write"],
      path: idParam,
      body: updateEndpointSchema,
      response: endpointSchema,
      example: EXAMPLES.updateEndpoint,
    }),
    delete: op("delete", "deleteEndpoint", "Delete an endpoint", { scopes: ["endpoints:write"], path: idParam, status: 204 }),
  },
  "/api/v1/endpoints/{id}/reveal-secret": {
    post: op("post", "revealEndpointSecret", "Show the current signing secret again (admins and owners in the console; each reveal is audited)", {
      sessionOnly: true,
      path: idParam,
      response: revealedSecretSchema,
    }),
  },
  "/api/v1/endpoints/{id}/rotate-secret": {
    post: op("post", "rotateEndpointSecret", "Rotate the signing secret (the old one keeps signing during the grace period)", {
      scopes: ["endpoints:write"],
      path: idParam,
      body: rotateSecretSchema,
      response: endpointWithSecretSchema,
    }),
  },
  "/api/v1/endpoints/filter-preview": {
    post: op("post", "previewEndpointFilter", "Which of the last 20 events an endpoint with this filter, these channels and event types would get (changes nothing)", {
      scopes: ["endpoints:read", "events:read"],
      body: filterPreviewSchema,
      response: filterPreviewResultSchema,
    }),
  },
  "/api/v1/endpoints/{id}/recover": {
    post: op("post", "recoverEndpoint", "Re-send the endpoint's failed deliveries created in a time window (dry_run: only count them)", {
      scopes: ["deliveries:write"],
      path: idParam,
      body: recoverEndpointSchema,
      status: 202,
      response: recoverEndpointResultSchema,
      description:
        "Each failed delivery in [since, until) gets another attempt (the same `webhook-id`, as a replay), in batches that survive a restart. " +
        "Follow the job with getRecoveryJob.",
    }),
  },
  "/api/v1/endpoints/{id}/recovery-jobs": {
    get: op("get", "listRecoveryJobs", "The endpoint's recovery jobs, newest first", {
      scopes: ["deliveries:read"],
      path: idParam,
      query: paginationQuery,
      response: listSchema(recoveryJobSchema),
    }),
  },
  "/api/v1/endpoints/{id}/recovery-jobs/{jobId}": {
    get: op("get", "getRecoveryJob", "A recovery job and its progress", {
      scopes: ["deliveries:read"],
      path: z.object({ id: z.string().describe("Endpoint id"), jobId: z.string().describe("`rcv_…`") }),
      response: recoveryJobSchema,
    }),
  },
  "/api/v1/endpoints/{id}/stats": {
    get: op("get", "getEndpointStats", "An endpoint's delivery outcomes per hour (24h) or per day (7d), every bucket included", {
      scopes: ["deliveries:read"],
      path: idParam,
      query: deliveryStatsQuerySchema,
      response: deliveryStatsSchema,
    }),
  },
  "/api/v1/endpoints/{id}/test": {
    post: op("post", "sendTestEvent", "Send an event to this endpoint only", {
      scopes: ["events:write"],
      path: idParam,
      body: testEventSchema,
      status: 202,
      response: acceptedTestEventSchema,
    }),
  },
  "/api/v1/webhooks": {
    get: op("get", "listWebhooks", "List webhooks (the same endpoints, in the webhooks shape)", { scopes: ["endpoints:read"], query: paginationQuery, response: listSchema(webhookSchema) }),
    post: op("post", "createWebhook", "Create a webhook (the secret is in this response only)", {
      scopes: ["endpoints:write"],
      body: createWebhookSchema,
      status: 201,
      response: webhookWithSecretSchema,
    }),
  },
  "/api/v1/webhooks/{id}": {
    get: op("get", "getWebhook", "Get a webhook", { scopes: ["endpoints:read"], path: idParam, response: webhookSchema }),
    patch: op("patch", "updateWebhook", "Update a webhook", { scopes: ["endpoints:write"], path: idParam, body: updateWebhookSchema, response: webhookSchema }),
    delete: op("delete", "deleteWebhook", "Delete a webhook", { scopes: ["endpoints:write"], path: idParam, status: 204 }),
  },
  "/api/v1/event-types": {
    get: op("get", "listEventTypes", "The event-type catalog", { scopes: ["events:read"], query: eventTypeListQuery, response: listSchema(eventTypeSchema) }),
    post: op("post", "createEventType", "Create an event type", { scopes: ["events:write"], body: createEventTypeSchema, status: 201, response: eventTypeSchema, errors: [409] }),
  },
  "/api/v1/event-types/{name}": {
    get: op("get", "getEventType", "Get an event type with its schema", { scopes: ["events:read"], path: eventTypeParam, response: eventTypeSchema }),
    patch: op("patch", "updateEventType", "Change an event type's description or JSON schema (a new schema is checked against the type's 20 newest events; check_only changes nothing)", {
      scopes: ["events:write"],
      path: eventTypeParam,
      body: updateEventTypeSchema,
      response: eventTypeUpdateResultSchema,
    }),
  },
  "/api/v1/event-types/{name}/archive": {
    post: op("post", "archiveEventType", "Archive an event type (no new events of it)", { scopes: ["events:write"], path: eventTypeParam, response: eventTypeSchema }),
  },
  "/api/v1/event-types/{name}/unarchive": {
    post: op("post", "unarchiveEventType", "Unarchive an event type", { scopes: ["events:write"], path: eventTypeParam, response: eventTypeSchema }),
  },
  "/api/v1/events": {
    get: op("get", "listEvents", "List events, newest first, each with its deliveries' outcomes", {
      scopes: ["events:read"],
      query: eventListQuery,
      response: listSchema(eventListItemSchema),
      example: EXAMPLES.listEvents,
    }),
    post: op("post", "createEvent", "Send an event to every subscribed endpoint", {
      description:
        "429 (with Retry-After) also when the organization's events still waiting for delivery hold so many bytes that this one would take them past the operator's ceiling (GATEHOUSE_ORG_IN_FLIGHT_MIB, default 64 MiB); nothing is stored then.",
      scopes: ["events:write"],
      body: createEventSchema,
      status: 202,
      response: acceptedEventSchema,
      example: EXAMPLES.createEvent,
    }),
  },
  "/api/v1/events/{id}": {
    get: op("get", "getEvent", "Get an event with its deliveries", { scopes: ["events:read"], path: idParam, response: eventDetailSchema }),
  },
  "/api/v1/deliveries": {
    get: op("get", "listDeliveries", "List deliveries, newest first", {
      scopes: ["deliveries:read"],
      query: deliveryListQuerySchema,
      response: listSchema(deliverySchema),
      example: EXAMPLES.listDeliveries,
      description: "Every filter given must hold. `q`, `delivery_id` and `event_id` match exactly.",
    }),
  },
  "/api/v1/deliveries/stats": {
    get: op("get", "listDeliveryStats", "Per endpoint: deliveries and success rate over the last 24 hours", {
      scopes: ["deliveries:read"],
      query: shortListQuery,
      response: listSchema(endpointDeliveryStatsSchema),
    }),
  },
  "/api/v1/deliveries/{id}": {
    get: op("get", "getDelivery", "Get a delivery with every attempt", { scopes: ["deliveries:read"], path: idParam, response: deliveryDetailSchema }),
  },
  "/api/v1/deliveries/{id}/replay": {
    post: op("post", "replayDelivery", "Replay a delivery", {
      scopes: ["deliveries:write"],
      path: idParam,
      status: 202,
      response: replayResponseSchema,
      errors: [409],
      description:
        "Another attempt of the same delivery: the same id, so receivers get the same webhook-id. The delivery becomes pending (held while its endpoint is paused), then succeeded or failed; the attempt records who replayed it and when. 409 while it is still pending or held.",
    }),
  },
  "/api/v1/deliveries/replay-failed": {
    get: op("get", "previewReplayFailedDeliveries", "How many failed deliveries a replay since a time would replay, per endpoint", {
      scopes: ["deliveries:read"],
      description: "Takes the same filters as the POST, as query parameters; nothing changes. The console shows it before a bulk replay is confirmed.",
      query: replayFailedPreviewQuerySchema,
      response: replayFailedPreviewSchema,
    }),
    post: op("post", "replayFailedDeliveries", "Replay every failed delivery since a time", {
      scopes: ["deliveries:write"],
      description: "Each failed delivery becomes pending again (a new attempt, the same webhook-id); `replayed` counts them.",
      body: replayFailedSchema,
      status: 202,
      response: z.object({ replayed: z.number().int() }),
    }),
  },
  "/api/v1/inbound-webhooks": {
    get: op("get", "listInboundWebhooks", "List incoming webhooks", {
      scopes: ["inbound:read"],
      query: inboundListQuery,
      response: listSchema(inboundWebhookSchema),
      example: EXAMPLES.listInboundWebhooks,
    }),
    post: op("post", "createInboundWebhook", "Create an incoming webhook (the integration token is in this response only)", {
      scopes: ["inbound:write"],
      description:
        "Choose the sender type with `verification`: none (Generic, bearer token), standard_webhooks, github, stripe, shopify, slack, or hmac_sha256 (a header you name). " +
        "Senders that cannot set an Authorization header (GitHub, Stripe, Shopify, Slack) are given the URL with `?token=<token>`. Stripe, Shopify and Slack issue their own " +
        "signing secret: pass it as verification_secret (or set it later with PATCH); until then every request is refused and logged under rejections.",
      body: createInboundWebhookSchema,
      status: 201,
      response: inboundWebhookWithSecretsSchema,
      example: EXAMPLES.createInboundWebhook,
    }),
  },
  "/api/v1/inbound-webhooks/{id}": {
    get: op("get", "getInboundWebhook", "Get an incoming webhook", { scopes: ["inbound:read"], path: idParam, response: inboundWebhookSchema }),
    patch: op("patch", "updateInboundWebhook", "Edit an incoming webhook, or activate/deactivate it (status)", {
      scopes: ["inbound:write"],
      path: idParam,
      body: updateInboundWebhookSchema,
      response: inboundWebhookWithSecretsSchema,
    }),
    delete: op("delete", "deleteInboundWebhook", "Delete an incoming webhook and its messages", { scopes: ["inbound:write"], path: idParam, status: 204 }),
  },
  "/api/v1/inbound-webhooks/{id}/regenerate-token": {
    post: op("post", "regenerateInboundToken", "Regenerate the integration token, optionally with a grace period for the old one", {
      scopes: ["inbound:write"],
      description:
        "The new token is in this response only. With grace_period_seconds the old token is still accepted until previous_token.valid_until; each message records which token " +
        "it carried (token: current | previous) and previous_token.last_used_at says when the old one was last used. Without it (or 0), the old token is refused at once.",
      path: idParam,
      body: regenerateTokenSchema,
      response: inboundWebhookWithSecretsSchema,
      example: EXAMPLES.regenerateInboundToken,
      errors: [409],
    }),
  },
  "/api/v1/inbound-webhooks/{id}/end-grace-period": {
    post: op("post", "endInboundTokenGracePeriod", "End the old integration token's grace period now", {
      scopes: ["inbound:write"],
      description: "The old token is refused from now on. 409 when no grace period is running.",
      path: idParam,
      response: inboundWebhookSchema,
      errors: [409],
    }),
  },
  "/api/v1/inbound-webhooks/{id}/rejections": {
    get: op("get", "listInboundRejections", "Requests the receiving URL refused, newest first", {
      scopes: ["inbound:read"],
      description:
        "Why a sender fails: time, source IP, user agent, the status and message it was answered, the body's size and the last four characters of the token it presented. " +
        "Never the body or the token. At most 100 are logged per webhook per minute and the newest 1000 are kept, for GATEHOUSE_INBOUND_REJECTIONS_DAYS (default 7).",
      path: idParam,
      query: rejectionListQuery,
      response: listSchema(inboundRejectionSchema),
      example: EXAMPLES.listInboundRejections,
    }),
  },
  "/api/v1/inbound-webhooks/{id}/messages": {
    get: op("get", "listInboundMessages", "Messages an incoming webhook received, newest first", {
      scopes: ["inbound:read"],
      path: idParam,
      query: messageListQuery,
      response: listSchema(inboundMessageSchema),
    }),
  },
  "/api/v1/inbound-webhooks/{id}/messages/{messageId}": {
    get: op("get", "getInboundMessage", "One message with its whole body", { scopes: ["inbound:read"], path: messageParams, response: inboundMessageSchema }),
  },
  "/api/v1/inbound-webhooks/{id}/messages/{messageId}/replay": {
    post: op("post", "replayInboundMessage", "Forward a forwarded message again", {
      scopes: ["inbound:write"],
      path: messageParams,
      status: 202,
      response: z.object({
        delivery_id: z.string().describe("The message's forward delivery, re-sent with the same webhook-id"),
        status: z.string().describe("pending, or held while the forward endpoint is paused"),
        replay_of: z.string().nullable().describe("Always null: a replay is another attempt of the same delivery, not a new one"),
      }),
      errors: [409],
    }),
  },
  "/api/v1/openapi.json": {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      description:
        "Without credentials: the API, and in `webhooks` the envelope and the starting catalog's event types. With a token (events:read) or a console " +
        "session: the same, with your environment's own event types and their payload schemas in `webhooks`, for code generators.",
      security: [{}, { oauth2: ["events:read"] }, { session: [] }],
      responses: { "200": { description: "OpenAPI 3.1", ...jsonContent(z.looseObject({ openapi: z.string() })) }, ...problems([400, 401, 403, 422, 429, 503]) },
    },
  },
  "/in/{id}": {
    post: {
      operationId: "receiveInboundWebhook",
      summary: "The receiving URL of an incoming webhook",
      description:
        "Send the integration token as `Authorization: Bearer <token>` or `?token=<token>`. Any body up to 1 MiB; the Emit event " +
        "handler needs a JSON object. 401 token or signature, 404 unknown or inactive webhook, 405 other methods, 413 too large, " +
        "429 rate limited (Retry-After). A refusal stores nothing but a line in the webhook's rejections (no body). The sender's signature is " +
        "checked per the webhook's type (verification) over the raw bytes with that sender's replay window; a verified delivery id (webhook-id, " +
        "X-GitHub-Delivery, the Stripe event id, X-Shopify-Webhook-Id, Slack event_id) seen again within dedup_window_seconds is answered 200 with the first message.",
      security: [{ integrationToken: [] }, {}],
      requestParams: { path: idParam, query: z.object({ token: z.string().optional().describe("The integration token, when the sender cannot set a header") }) },
      requestBody: { content: { "*/*": { schema: z.string().describe("Any body up to 1 MiB") } } },
      responses: {
        "200": {
          description: "A repeat of a message already received (same verified delivery id within the dedup window): the first one's result; or Slack's url_verification with its challenge",
          ...jsonContent(inboundAcceptedSchema),
        },
        "202": { description: "Stored (and handled)", ...jsonContent(inboundAcceptedSchema) },
        ...problems([400, 401, 404, 413, 422, 429, 500, 503]),
      },
    },
  },
  "/oauth/token": {
    post: {
      operationId: "createToken",
      summary: "Exchange client credentials for an access token (RFC 6749 §4.4)",
      security: [{ clientSecretBasic: [] }, {}],
      requestBody: oauthForm(
        {
          grant_type: z.literal("client_credentials"),
          scope: z.string().optional().describe("Space-separated subset of the credential's scopes; default all"),
        },
        { grant_type: "client_credentials", scope: "events:write deliveries:read" },
      ),
      responses: {
        "200": {
          description: "Token",
          content: {
            "application/json": {
              schema: tokenResponse,
              ...withExample({ access_token: "gat_live_4fQ1zR8kLm2Np7Xc0Vb5Ty9Ws3Ed6Hu1Jk4Ag", token_type: "Bearer", expires_in: 3600, scope: "events:write deliveries:read" }),
            },
          },
        },
        ...oauthErrors(400, 401, 413, 429, 500, 503),
      },
    },
  },
  "/oauth/introspect": {
    post: {
      operationId: "introspectToken",
      summary: "Token introspection (RFC 7662), for the client the token was issued to",
      security: [{ clientSecretBasic: [] }, {}],
      requestBody: oauthForm({ token: z.string(), token_type_hint: z.string().optional() }),
      responses: { "200": { description: "Introspection", ...jsonContent(introspection) }, ...oauthErrors(400, 401, 413, 429, 500, 503) },
    },
  },
  "/oauth/revoke": {
    post: {
      operationId: "revokeToken",
      summary: "Token revocation (RFC 7009); unknown tokens are not an error",
      security: [{ clientSecretBasic: [] }, {}],
      requestBody: oauthForm({ token: z.string(), token_type_hint: z.string().optional() }),
      responses: { "200": { description: "Revoked (or unknown)" }, ...oauthErrors(400, 401, 413, 429, 500, 503) },
    },
  },
  "/.well-known/oauth-authorization-server": {
    get: {
      operationId: "getAuthorizationServerMetadata",
      summary: "Authorization server metadata (RFC 8414), for discovery by OAuth clients",
      security: [{}],
      responses: { "200": { description: "Metadata", ...jsonContent(authorizationServerMetadata) }, ...problems([400]) },
    },
  },
};

/**
 * What a receiver gets (OpenAPI 3.1 `webhooks`): a POST to the endpoint's URL with the event
 * envelope (lib/deliveries/attempt-delivery.ts, payloadFor) signed as Standard Webhooks specify.
 */
const webhookEnvelope = z
  .object({
    id: z.string().describe("The event's id (`evt_…`); the same in every delivery of the event"),
    type: z.string().describe("The event type, e.g. `invoice.paid`; `webhook.test` for a test event"),
    timestamp: z.string().describe("When the event was accepted (ISO 8601, UTC)"),
    environment: z.enum(["test", "live"]),
    data: z.record(z.string(), z.unknown()).describe("The event's `data` as it was sent to POST /api/v1/events (valid against the event type's schema when it has one)"),
  })
  .meta({ id: "WebhookEvent" })
  .describe("The body of every delivery; the exact bytes are what webhook-signature signs");

const webhookHeaders = z.object({
  "webhook-id": z.string().describe("The delivery's id (`msg_…`): the same on every retry of it, so use it to drop duplicates"),
  "webhook-timestamp": z.string().regex(/^\d+$/).describe("Unix seconds when this attempt was signed; refuse ones far from your clock (e.g. over 5 minutes)"),
  "webhook-signature": z
    .string()
    .describe(
      "`v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the endpoint's `whsec_` secret (Standard Webhooks); during a secret rotation one signature per valid secret, separated by spaces: accept the request if any matches",
    ),
  "user-agent": z.string().optional().describe("`Gatehouse-Webhooks/1.0`"),
  authorization: z.string().optional().describe("`Bearer <auth_token>` when the endpoint has an auth token"),
});

const webhooks: ZodOpenApiPathsObject = {
  event: {
    post: {
      operationId: "receiveEvent",
      summary: "An event delivered to your endpoint",
      description:
        "Gatehouse POSTs each event to every subscribed endpoint, with the endpoint's custom headers too. Verify the signature with any Standard Webhooks library " +
        "(`standardwebhooks` for Node and Python, svix) before trusting the body. Answer 2xx within the endpoint's timeout; anything else (or no answer) is a failed " +
        "attempt, retried on the schedule (30 s, 2 m, 5 m, 15 m, 1 h, 6 h, 24 h by default) with the same webhook-id. A `Retry-After` on 429 or 503 is honoured (capped). " +
        "410 Gone disables the endpoint. Deliveries may arrive more than once and out of order.",
      tags: ["Webhook deliveries"],
      security: [],
      requestParams: { header: webhookHeaders },
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: webhookEnvelope,
            ...withExample({ id: EX.eventId, type: "invoice.paid", timestamp: EX.at, environment: "live", data: EX.data }),
          },
        },
      },
      responses: {
        "200": { description: "Received (any 2xx status counts as delivered; the body is ignored)" },
        "410": { description: "Gone: Gatehouse disables the endpoint and sends it nothing more until it is enabled again" },
        "429": { description: "Retried later, after Retry-After when given (capped), else on the schedule" },
        "503": { description: "Retried later, after Retry-After when given (capped), else on the schedule" },
        default: { description: "Any other status, or none within the timeout: a failed attempt, retried on the schedule" },
      },
    },
  },
};

/** Tag of each path: its first segment after /api/v1, or the OAuth and receiving endpoints. */
const TAGS: { name: string; prefix: string; description: string }[] = [
  { name: "Organization", prefix: "/api/v1/organization", description: "The caller's organization" },
  { name: "Members", prefix: "/api/v1/members", description: "Members and their roles" },
  { name: "Invitations", prefix: "/api/v1/invitations", description: "Invitations to join (console only)" },
  { name: "Sessions", prefix: "/api/v1/sessions", description: "Your console sessions" },
  { name: "Notifications", prefix: "/api/v1/notifications", description: "The notification centre (console sessions; read state is per member)" },
  { name: "Credentials", prefix: "/api/v1/credentials", description: "OAuth client credentials (console only)" },
  { name: "Scopes", prefix: "/api/v1/scopes", description: "The scope catalog" },
  { name: "Audit", prefix: "/api/v1/audit-events", description: "The hash-chained audit log" },
  { name: "Endpoints", prefix: "/api/v1/endpoints", description: "Outgoing webhook endpoints" },
  { name: "Webhooks", prefix: "/api/v1/webhooks", description: "The same endpoints, in the webhooks shape" },
  { name: "Event types", prefix: "/api/v1/event-types", description: "The event-type catalog" },
  { name: "Events", prefix: "/api/v1/events", description: "Events sent to subscribed endpoints" },
  { name: "Deliveries", prefix: "/api/v1/deliveries", description: "Deliveries of events and their attempts" },
  { name: "Incoming webhooks", prefix: "/api/v1/inbound-webhooks", description: "Webhooks Gatehouse receives" },
  { name: "Incoming webhooks", prefix: "/in/", description: "" },
  { name: "OAuth", prefix: "/oauth/", description: "Client-credentials tokens (RFC 6749, 7662, 7009, 8414)" },
  { name: "OAuth", prefix: "/.well-known/", description: "" },
  { name: "Document", prefix: "/api/v1/openapi.json", description: "This OpenAPI document" },
];

function tagOf(path: string): string {
  const t = TAGS.find((x) => path === x.prefix || path.startsWith(x.prefix.endsWith("/") ? x.prefix : x.prefix + "/"));
  if (!t) throw new Error(`openapi.ts: no tag for ${path}`);
  return t.name;
}

for (const [path, item] of Object.entries(paths)) {
  for (const o of Object.values(item as Record<string, ZodOpenApiOperationObject>)) o.tags = [tagOf(path)];
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The rate-limit response headers (lib/api/rate-limit.ts, rateLimitHeaders). */
const RATE_LIMIT_HEADERS = {
  "RateLimit-Policy": {
    description: 'The limit that applies, as in the IETF draft: `"api";q=<requests>;w=<window seconds>`. Sent on calls made with an access token.',
    schema: { type: "string" },
  },
  RateLimit: {
    description: 'What is left of it: `"api";r=<remaining>;t=<seconds until the window resets>`. Sent on calls made with an access token.',
    schema: { type: "string" },
  },
  "RateLimit-Limit": { description: "Requests allowed per window (the older header trio)", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in this window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window resets", schema: { type: "integer" } },
  "Retry-After": { description: "Seconds to wait before retrying (429 and 503 only)", schema: { type: "integer" } },
} as const;

type DocResponse = { headers?: Record<string, unknown> };
type DocOperation = { security?: Record<string, string[]>[]; responses?: Record<string, DocResponse> };

/** Declares the rate-limit headers on every response of every /api/v1 operation a token can call. */
function withRateLimitHeaders(doc: ReturnType<typeof createDocument>): ReturnType<typeof createDocument> {
  const d = doc as unknown as { components?: { headers?: Record<string, unknown> }; paths?: Record<string, Record<string, DocOperation>> };
  d.components ??= {};
  d.components.headers = { ...d.components.headers, ...RATE_LIMIT_HEADERS };
  for (const [path, item] of Object.entries(d.paths ?? {})) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const o of Object.values(item)) {
      if (!o?.responses || !o.security?.some((s) => "oauth2" in s)) continue;
      for (const [status, r] of Object.entries(o.responses)) {
        const names = Object.keys(RATE_LIMIT_HEADERS).filter((n) => n !== "Retry-After" || status === "429" || status === "503");
        r.headers = { ...r.headers, ...Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }])) };
      }
    }
  }
  return doc;
}

function baseDocument() {
  cached ??= withRateLimitHeaders(createDocument({
    openapi: "3.1.0",
    info: {
      title: "Gatehouse API",
      version: "1.0.0",
      description:
        "Credentials and webhooks. Authenticate with a bearer token from POST /oauth/token (scopes enforced), " +
        "or with the console session. Errors are application/problem+json (RFC 9457), including unknown paths (404) and " +
        "methods (405, with Allow); the OAuth endpoints answer RFC 6749 JSON errors instead. Unknown body fields and query " +
        "parameters are refused (422), never ignored. Lists use cursor pagination (`limit`, `cursor`, `next_cursor`).",
      license: { name: API_LICENSE.name, identifier: API_LICENSE.identifier },
    },
    tags: [
      ...TAGS.filter((t) => t.description).map(({ name, description }) => ({ name, description })),
      { name: "Webhook deliveries", description: "What your endpoints receive (OpenAPI `webhooks`)" },
    ],
    components: {
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: "A bearer token from POST /oauth/token (client credentials); each operation lists the scopes it needs",
          flows: {
            clientCredentials: {
              tokenUrl: "/oauth/token",
              scopes: Object.fromEntries(BUILT_IN_SCOPES.map((s) => [s.name, s.description])),
            },
          },
        },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "Console session (unsafe methods also need a same-origin Origin header)" },
        clientSecretBasic: { type: "http", scheme: "basic", description: "client_id and client_secret (or send them in the form: client_secret_post)" },
        integrationToken: { type: "http", scheme: "bearer", description: "An incoming webhook's integration token (gin_…)" },
      },
    },
    paths,
    webhooks,
  }));
  return cached;
}

/** An event type as the `webhooks` section describes it: its name, and the JSON schema of its `data`. */
export type DocumentedEventType = { name: string; description: string | null; schema: unknown };

/** `run.completed` → `receiveRunCompleted`: a stable operationId for each event type's webhook. */
function receiveOperationId(name: string): string {
  return "receive" + name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

/** One `webhooks` entry per event type: the envelope with `type` fixed and `data` as the type's schema. */
function eventTypeWebhooks(types: DocumentedEventType[]): Record<string, unknown> {
  const generic = (baseDocument() as unknown as { webhooks: { event: { post: Record<string, unknown> } } }).webhooks.event.post;
  const out: Record<string, unknown> = {};
  for (const t of types) {
    const data = t.schema && typeof t.schema === "object" ? t.schema : { type: "object", additionalProperties: true };
    out[t.name] = {
      post: {
        ...generic,
        operationId: receiveOperationId(t.name),
        summary: `${t.name}${t.description ? `: ${t.description}` : ""}`,
        description: `Sent to endpoints subscribed to \`${t.name}\` (or to every type). Headers, signature and retries as for any event (see \`event\`).`,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                allOf: [
                  { $ref: "#/components/schemas/WebhookEvent" },
                  { type: "object", properties: { type: { const: t.name }, data } },
                ],
              },
            },
          },
        },
      },
    };
  }
  return out;
}

/**
 * The document; `servers` is GATEHOUSE_PUBLIC_URL when set, else relative to where it was
 * fetched. `webhooks` describes the envelope, and the payload of each event type: the starting
 * catalog's and Gatehouse's own (gatehouse.*), or `eventTypes` (an organization's own catalog,
 * which holds the gatehouse.* types too, for a caller that signed in).
 */
export function openApiDocument(
  publicUrl: string | undefined = env().GATEHOUSE_PUBLIC_URL,
  eventTypes: DocumentedEventType[] = [...DEFAULT_EVENT_TYPES, ...GATEHOUSE_EVENT_TYPES].map((t) => ({ ...t, schema: t.schema ?? null })),
) {
  const base = baseDocument();
  const webhooks = { ...(base as unknown as { webhooks: Record<string, unknown> }).webhooks, ...eventTypeWebhooks(eventTypes) };
  return { ...base, webhooks, servers: [{ url: publicUrl ?? "/" }] };
}
