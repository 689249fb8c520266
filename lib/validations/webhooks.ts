// Outgoing endpoints in their two wire shapes (/api/v1/endpoints, /api/v1/webhooks) and the
// event-type catalog. URL reachability and event-type existence need the database or DNS, so
// the domain functions check those and report them on the same field names.
import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";
import {
  channelNameIssue,
  filterProblem,
  MAX_ENDPOINT_CHANNELS,
  MAX_EVENT_CHANNELS,
  MAX_FILTER_LENGTH,
} from "@/lib/webhooks/payload-filter";

export const EVENT_TYPE_NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
export const SIGNING_SECRET_RE = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
/** Payload versions endpoints can ask for; the first is the default for new endpoints. */
export const WEBHOOK_VERSIONS = ["2026-11-01"] as const;
export const DEFAULT_WEBHOOK_VERSION = WEBHOOK_VERSIONS[0];

// Headers the delivery itself sets, hop-by-hop headers, and headers that would change how the
// request is framed, routed or read if an endpoint overrode them.
export const RESERVED_HEADERS = new Set([
  "authorization",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "cookie",
  "expect",
  "host",
  "http2-settings",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "via",
  "webhook-id",
  "webhook-signature",
  "webhook-timestamp",
]);
// Whole families: Standard Webhooks' `webhook-*` and proxies' `proxy-*`.
const RESERVED_HEADER_PREFIXES = ["webhook-", "proxy-"];

/** RFC 9110 `token`: what a header name may be made of. The one rule for header names: endpoint custom headers (form and server) and the inbound signature header. */
export const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Header values: visible ASCII, space and tab (RFC 9110 `field-value` without obs-text). No
 * control characters (CR, LF, NUL), no DEL, and nothing past U+007E: Node refuses to send
 * characters past U+00FF, and sends U+0080..U+00FF as UTF-8 or as Latin-1 depending on the body's
 * type, so a receiver could not rely on what it gets.
 */
export const HEADER_VALUE_RE = /^[\t\x20-\x7e]*$/;
export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_NAME_LENGTH = 100;
export const MAX_HEADER_VALUE_LENGTH = 2048;
/**
 * How every API view shows a custom header's value: values are write-only, like `auth_token`.
 * Sent back unchanged in an update, it keeps the value stored under that header name.
 */
export const MASKED_HEADER_VALUE = "••••••";

/** Why `name` cannot be a custom header's name, or null. The one rule for the API and the form. */
export function headerNameProblem(name: string): string | null {
  const lower = name.toLowerCase();
  if (!name) return "Enter a header name";
  if (!HEADER_NAME_RE.test(name) || name.length > MAX_HEADER_NAME_LENGTH) return "Not a valid header name (letters, digits and !#$%&'*+-.^_`|~, at most 100)";
  if (RESERVED_HEADERS.has(lower) || RESERVED_HEADER_PREFIXES.some((p) => lower.startsWith(p))) return "Gatehouse sets this header; it cannot be overridden";
  return null;
}

/** Why `value` cannot be sent as a header value, or null. `MASKED_HEADER_VALUE` passes (it means "unchanged"). */
export function headerValueProblem(value: string): string | null {
  if (value === MASKED_HEADER_VALUE) return null;
  if (/[\r\n\0]/.test(value)) return "Must not contain line breaks or NUL";
  if (!HEADER_VALUE_RE.test(value)) return "Use printable ASCII characters only (no accents, emoji or control characters)";
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `Use at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  return null;
}

export const eventTypeNameSchema = z
  .string()
  .max(100, "Use at most 100 characters")
  .regex(EVENT_TYPE_NAME_RE, "lowercase dotted words, like `run.completed`")
  .describe("Event type name, like `run.completed`");

export const urlSchema = z
  .string()
  .trim()
  .min(1, "Enter the URL that receives deliveries")
  .max(2048, "Use at most 2048 characters")
  .describe("Delivery target: https:// (http:// is accepted in the test environment); no private addresses");

export const signingSecretSchema = z
  .string()
  .regex(SIGNING_SECRET_RE, { message: "must be `whsec_` followed by base64", abort: true })
  .refine((s) => {
    const n = Buffer.from(s.slice(6), "base64").length;
    return n >= 24 && n <= 64;
  }, "must encode 24 to 64 random bytes")
  .describe("Signing secret in Standard Webhooks form (`whsec_` + base64 of 24 to 64 bytes); generated when omitted");

export const customHeadersSchema = z
  .record(z.string(), z.string())
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_CUSTOM_HEADERS) ctx.addIssue({ code: "custom", message: `at most ${MAX_CUSTOM_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      const problem =
        headerNameProblem(name) ?? (seen.has(lower) ? "Repeats another header (names are case-insensitive)" : headerValueProblem(headers[name]!));
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
      seen.add(lower);
    }
  })
  .describe(
    `Custom headers sent with every delivery, as { name: value }. Values are stored encrypted and never returned: ` +
      `responses show each as "${MASKED_HEADER_VALUE}". In an update, the whole set is replaced; a value of "${MASKED_HEADER_VALUE}" ` +
      `keeps the value stored under that name. Names: RFC 9110 tokens, not a header Gatehouse sets; values: printable ASCII, space and tab.`,
  );

const nameSchema = z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters");
const descriptionSchema = z.string().trim().max(256, "Use at most 256 characters");
const timeoutSchema = z
  .number()
  .int("must be a whole number of seconds")
  .min(1, "at least 1 second")
  .max(30, "at most 30 seconds");
const authTokenSchema = z
  .string()
  .min(1, "Enter a token, or send null to remove it")
  .max(1024, "Use at most 1024 characters")
  // Sent as a header value (`Bearer <token>`), so the same characters are allowed.
  .refine((s) => s !== MASKED_HEADER_VALUE && headerValueProblem(s) === null, "Use printable ASCII characters only, no line breaks");
const eventListSchema = z.array(eventTypeNameSchema).max(100, "at most 100 event types");
// The throttle (lib/deliveries/endpoint-throttle.ts), honoured by all processes together.
export const MAX_RATE_LIMIT_PER_SECOND = 10_000;
export const MAX_IN_FLIGHT = 100;
export const rateLimitSchema = z
  .number()
  .min(0.01, "at least 0.01 (one delivery every 100 seconds)")
  .max(MAX_RATE_LIMIT_PER_SECOND, `at most ${MAX_RATE_LIMIT_PER_SECOND}`)
  .describe("At most this many deliveries start per second (fractions allowed: 0.5 is one every 2 s); null: no rate limit");
export const maxInFlightSchema = z
  .number()
  .int("must be a whole number")
  .min(1, "at least 1")
  .max(MAX_IN_FLIGHT, `at most ${MAX_IN_FLIGHT}`)
  .describe(`At most this many requests to the endpoint at once, 1 to ${MAX_IN_FLIGHT} (default 10)`);
const orderingSchema = z
  .enum(["none", "fifo"])
  .describe("fifo: each message waits until the previous one succeeded or failed for good (one at a time, in creation order); none (default): up to max_in_flight at once, in any order");

/** A channel name; the message says which character is wrong and where. */
export const channelNameSchema = z.string().superRefine((name, ctx) => {
  const problem = channelNameIssue(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { position: problem.position } });
});

export const eventChannelsSchema = z
  .array(channelNameSchema)
  .max(MAX_EVENT_CHANNELS, `at most ${MAX_EVENT_CHANNELS} channels`)
  .describe(`Channels the event is sent on (at most ${MAX_EVENT_CHANNELS}; letters, digits and _ . : -, 1 to 64 characters); endpoints with channels receive only events carrying one of theirs`);

const endpointChannelsSchema = z
  .array(channelNameSchema)
  .max(MAX_ENDPOINT_CHANNELS, `at most ${MAX_ENDPOINT_CHANNELS} channels`)
  .describe("Channels the endpoint subscribes to; when not empty, it receives only events carrying at least one of them");

export const FILTER_DESCRIPTION =
  "Payload filter: only events for which it is true get a delivery. Over `type`, `data` and `channels` of the event: " +
  '`==`, `!=`, `<`, `<=`, `>`, `>=` (a field against a value), `in ["a", "b"]`, `exists(data.x)`, `&&`, `||`, `!`, parentheses; ' +
  `e.g. \`data.amount > 100 && data.currency in ["usd", "eur"]\`. At most ${MAX_FILTER_LENGTH} characters. null removes it. ` +
  "A syntax error answers 422 with the error's `position` (0-based).";

/** A payload filter; a syntax error is an issue carrying its position (see zodFieldErrors). */
export const filterSchema = z
  .string()
  .superRefine((src, ctx) => {
    const problem = filterProblem(src);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { position: problem.position } });
  })
  .describe(FILTER_DESCRIPTION);

// ---- /api/v1/endpoints (reference 004) ----

export const createEndpointSchema = z.strictObject({
  name: nameSchema.describe("Display name for the endpoint"),
  url: urlSchema,
  secret: signingSecretSchema.optional(),
  headers_json: customHeadersSchema.default({}),
  timeout_seconds: timeoutSchema.default(10).describe("Request timeout in seconds, 1 to 30 (default 10)"),
  description: descriptionSchema.nullish().describe("What the endpoint is for"),
  event_types: eventListSchema.default([]).describe("Subscribed event types; empty (the default) means all"),
  auth_token: authTokenSchema.nullish().describe("Sent as `Authorization: Bearer <token>` with each delivery; never returned"),
  webhook_version: z.enum(WEBHOOK_VERSIONS).optional().describe("Payload version"),
  operator_events: z
    .boolean()
    .default(false)
    .describe("Operator endpoint: receives Gatehouse's own `gatehouse.*` events of its environment (endpoint failing, disabled, recovered, deliveries failed, credentials expiring)"),
  filter: filterSchema.nullish(),
  channels: endpointChannelsSchema.default([]),
  rate_limit_per_second: rateLimitSchema.nullish(),
  max_in_flight: maxInFlightSchema.default(10),
  ordering: orderingSchema.default("none"),
});
export type CreateEndpointInput = z.input<typeof createEndpointSchema>;

export const updateEndpointSchema = z.strictObject({
  name: nameSchema.optional(),
  url: urlSchema.optional(),
  secret: signingSecretSchema.optional().describe("Replaces the signing secret; the old one keeps signing for 24 hours"),
  headers_json: customHeadersSchema.optional(),
  timeout_seconds: timeoutSchema.optional(),
  description: descriptionSchema.nullish(),
  event_types: eventListSchema.optional(),
  auth_token: authTokenSchema.nullish().describe("A new token, or null to remove it"),
  webhook_version: z.enum(WEBHOOK_VERSIONS).optional(),
  status: z.enum(["ACTIVE", "PAUSED"]).optional().describe("PAUSED holds deliveries; ACTIVE releases them"),
  operator_events: z.boolean().optional().describe("Operator endpoint: receives Gatehouse's own `gatehouse.*` events"),
  filter: filterSchema.nullish(),
  channels: endpointChannelsSchema.optional(),
  rate_limit_per_second: rateLimitSchema.nullish(),
  max_in_flight: maxInFlightSchema.optional(),
  ordering: orderingSchema.optional().describe("fifo: one message at a time, in order; none releases the messages FIFO was holding"),
});
export type UpdateEndpointInput = z.input<typeof updateEndpointSchema>;

const healthWindowSchema = z.object({
  attempts: z.number().int().describe("Delivery attempts in the window"),
  succeeded: z.number().int(),
  success_rate: z.number().nullable().describe("Percent of attempts that got a 2xx, one decimal; null without attempts"),
  latency_p50_ms: z.number().int().nullable().describe("Median response time of attempts that got a response (to within a histogram bin)"),
  latency_p95_ms: z.number().int().nullable(),
});

export const receiverPauseSchema = z
  .object({
    until: z.string().describe("No delivery is sent to this endpoint before this time"),
    status: z
      .number()
      .int()
      .nullable()
      .describe("What the receiver answered with its Retry-After: 429 or 503 (null when that attempt is not among the endpoint's newest deliveries)"),
    asked_at: z.string().nullable().describe("When that answer came"),
    delivery_id: z.string().nullable().describe("The delivery whose attempt got that answer"),
  })
  .strict()
  .describe("A receiver's Retry-After (on 429 or 503) pauses every send to its endpoint until then, at most an hour");
export type ReceiverPauseView = z.infer<typeof receiverPauseSchema>;

export const endpointHealthSchema = z
  .object({
    state: z
      .enum(["healthy", "failing", "disabled"])
      .describe("failing: the circuit is open (consecutive failures) or the last hour's success rate is under the threshold"),
    failing_reason: z.enum(["consecutive_failures", "success_rate"]).nullable(),
    consecutive_failures: z.number().int(),
    failing_since: z.string().nullable().describe("The first failure since the last successful attempt"),
    last_success_at: z.string().nullable().describe("The last successful attempt in the last 7 days"),
    seconds_since_last_success: z.number().int().nullable(),
    disables_at: z
      .string()
      .nullable()
      .describe("When Gatehouse disables the endpoint if no attempt succeeds before (GATEHOUSE_DISABLE_FAILING_AFTER after failing_since)"),
    circuit: z
      .object({
        state: z.enum(["closed", "open"]).describe("open: new deliveries are held and one probe attempt goes at growing intervals"),
        opened_at: z.string().nullable(),
        next_probe_at: z.string().nullable(),
        probes: z.number().int().describe("Failed probes since the circuit opened"),
      })
      .strict(),
    windows: z.object({ "1h": healthWindowSchema.strict(), "24h": healthWindowSchema.strict(), "7d": healthWindowSchema.strict() }).strict(),
    receiver_pause: receiverPauseSchema.nullable(),
  })
  .strict()
  .describe("Health over the last 1 h / 24 h / 7 d (ten-minute buckets)");
export type EndpointHealthView = z.infer<typeof endpointHealthSchema>;

export const endpointSchema = z.object({
  id: z.string().describe("`ep_` + UUID"),
  name: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  event_types: z.array(z.string()).describe("Subscribed event types; empty means all"),
  filter: z.string().nullable().describe("Payload filter; null: every event of the subscribed types"),
  channels: z.array(z.string()).describe("Subscribed channels; empty: events on any channel or none"),
  headers_json: z
    .record(z.string(), z.string())
    .describe(`Custom header names; every value shows as "${MASKED_HEADER_VALUE}" (values are write-only and stored encrypted)`),
  timeout_seconds: z.number(),
  rate_limit_per_second: z.number().nullable().describe("At most this many deliveries start per second; null: no rate limit"),
  max_in_flight: z.number().int().describe("At most this many requests to the endpoint at once, across all Gatehouse processes"),
  ordering: z.enum(["none", "fifo"]).describe("fifo: one message at a time, each after the previous one succeeded or failed for good"),
  status: z.enum(["ACTIVE", "PAUSED", "DISABLED"]),
  paused_at: z.string().nullable(),
  disabled_reason: z.string().nullable().describe("Why Gatehouse disabled the endpoint (e.g. it answered 410 Gone)"),
  auth_token_configured: z.boolean(),
  webhook_version: z.string(),
  environment: z.enum(["test", "live"]),
  previous_secret_expires_at: z.string().nullable().describe("Until then the previous secret signs alongside the current one"),
  secret_rotated_at: z.string().nullable().describe("When the signing secret was last rotated (the grace window starts then)"),
  older_secrets_expire_at: z
    .array(z.string())
    .describe("Secrets from earlier rotations still in their window (a rotation inside a window keeps them), each signing until this time"),
  consecutive_failures: z.number(),
  operator_events: z
    .boolean()
    .describe("Receives Gatehouse's own `gatehouse.*` events; other endpoints get them only by subscribing to them by name, never as a catch-all"),
  health: endpointHealthSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type EndpointView = z.infer<typeof endpointSchema>;

export const endpointWithSecretSchema = endpointSchema.extend({
  secret: z.string().describe("The signing secret; in this response only"),
});

export const rotateSecretSchema = z.strictObject({
  grace_period_seconds: z
    .number()
    .int()
    .min(0, "at least 0")
    .max(7 * 86400, "at most 7 days (604800)")
    .default(86400)
    .describe("How long the old secret keeps signing alongside the new one (default 86400, 24 hours)"),
});

export const endpointListQuery = paginationQuery.extend({
  status: z.enum(["ACTIVE", "PAUSED", "DISABLED"]).optional().describe("Only endpoints with this status"),
});

// ---- /api/v1/webhooks (reference 001) ----

export const createWebhookSchema = z.strictObject({
  url: urlSchema,
  events: eventListSchema.min(1, "Subscribe to at least one event type").describe("Event types to subscribe to"),
  description: descriptionSchema.optional().describe("Optional human-readable description (at most 256 characters)"),
  active: z.boolean().default(true).describe("Whether the endpoint starts active (default true)"),
  auth_token: authTokenSchema.optional().describe("Sent as `Authorization: Bearer <token>`; write-only"),
  name: nameSchema.optional().describe("Display name; defaults to the URL's host"),
  webhook_version: z.enum(WEBHOOK_VERSIONS).optional(),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: urlSchema.optional(),
  events: eventListSchema.min(1, "Subscribe to at least one event type").optional(),
  description: descriptionSchema.nullish(),
  active: z.boolean().optional().describe("false pauses (deliveries are held), true resumes"),
  auth_token: authTokenSchema.nullish().describe("A new token, or null to remove it"),
  name: nameSchema.optional(),
  webhook_version: z.enum(WEBHOOK_VERSIONS).optional(),
});

export const webhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  environment: z.enum(["test", "live"]),
  events: z.array(z.string()).describe("Subscribed event types; empty means all (set through /api/v1/endpoints)"),
  description: z.string().nullable(),
  active: z.boolean(),
  status: z.enum(["active", "paused", "disabled"]),
  auth_token_configured: z.boolean(),
  webhook_version: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookView = z.infer<typeof webhookSchema>;

export const webhookWithSecretSchema = webhookSchema.extend({
  secret: z.string().describe("HMAC-SHA256 signing secret (whsec_…); in this response only"),
});

// ---- /api/v1/event-types ----

export const createEventTypeSchema = z.strictObject({
  name: eventTypeNameSchema.refine((n) => !n.startsWith("gatehouse."), "the `gatehouse.` prefix is reserved for Gatehouse's own events"),
  description: z.string().trim().min(1, "Describe when this event is sent").max(500, "Use at most 500 characters"),
  schema: z
    .record(z.string(), z.unknown())
    .nullish()
    .describe("JSON Schema (draft-07 or 2020-12) the `data` of each event must satisfy"),
});
export type CreateEventTypeInput = z.input<typeof createEventTypeSchema>;

export const eventTypeListQuery = paginationQuery.extend({
  archived: z
    .enum(["true", "false", "all"])
    .default("false")
    .describe("false (default): active types; true: archived only; all: both"),
});

export const eventTypeSchema = z.object({
  name: z.string(),
  environment: z.enum(["test", "live"]).describe("Each environment has its own catalog; a token sees only its own"),
  description: z.string(),
  schema: z.record(z.string(), z.unknown()).nullable(),
  archived: z.boolean(),
  archived_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EventTypeView = z.infer<typeof eventTypeSchema>;

// ---- filter preview, bulk recovery ----

export const filterPreviewSchema = z.strictObject({
  filter: filterSchema.nullish(),
  channels: endpointChannelsSchema.default([]),
  event_types: eventListSchema.default([]).describe("Event types to subscribe to; empty means all"),
});

export const filterPreviewResultSchema = z.object({
  data: z
    .array(
      z.object({
        id: z.string().describe("`evt_…`"),
        type: z.string(),
        channels: z.array(z.string()),
        created_at: z.string(),
        matches: z.boolean().describe("Whether an endpoint with these settings would get a delivery of it"),
        reason: z.enum(["matches", "event_type", "channels", "filter"]).describe("Why not, when it does not match"),
      }),
    )
    .describe("The environment's last 20 events, newest first"),
  matched: z.number().int(),
});

export const recoverEndpointSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).describe("Recover failed deliveries created at or after this time"),
    until: z.iso.datetime({ offset: true }).optional().describe("…and before this time (default: now)"),
    dry_run: z.boolean().default(false).describe("Only count them; no job is started"),
  })
  .refine((q) => !q.until || Date.parse(q.since) < Date.parse(q.until), { path: ["until"], message: "must be later than since" });

export const recoveryJobSchema = z
  .object({
    id: z.string().describe("`rcv_…`"),
    endpoint_id: z.string(),
    status: z.enum(["queued", "running", "completed", "failed"]),
    since: z.string(),
    until: z.string(),
    total: z.number().int().describe("Failed deliveries in the window when the job started"),
    processed: z.number().int().describe("Deliveries handled so far"),
    recovered: z.number().int().describe("Deliveries re-sent (one replayed meanwhile is skipped)"),
    error: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: "RecoveryJob" });
export type RecoveryJobView = z.infer<typeof recoveryJobSchema>;

export const recoverEndpointResultSchema = z.object({
  count: z.number().int().describe("Failed deliveries in the window"),
  dry_run: z.boolean(),
  job: recoveryJobSchema.nullable().describe("The job re-sending them; null on a dry run"),
});

export const revealedSecretSchema = z.object({
  secret: z.string().describe("The endpoint's current signing secret (whsec_…); the reveal is recorded in the audit log"),
});

export const updateEventTypeSchema = z.strictObject({
  description: createEventTypeSchema.shape.description.optional(),
  schema: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe("JSON Schema the `data` of each new event must satisfy; null removes it; left out: unchanged"),
  check_only: z
    .boolean()
    .default(false)
    .describe("Only check the schema against the type's recent events; change nothing"),
});
export type UpdateEventTypeInput = z.input<typeof updateEventTypeSchema>;

export const eventTypeUpdateResultSchema = eventTypeSchema.extend({
  examples: z
    .object({
      checked: z.number().int().describe("How many of the type's newest events (at most 20) were checked against the new schema"),
      failing: z
        .array(z.object({ event_id: z.string(), errors: z.array(z.object({ field: z.string(), message: z.string() })) }))
        .describe("The checked events the new schema would refuse, with why"),
    })
    .describe("The type's recent events, validated against the new schema (empty when the schema was not changed)"),
});
export type EventTypeUpdateResult = z.infer<typeof eventTypeUpdateResultSchema>;
