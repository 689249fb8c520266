// Incoming webhooks (/api/v1/inbound-webhooks) and the messages they received. Event-type
// existence and forward-URL reachability need the database or DNS, so the domain functions
// check those and report them on the same field names.
import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";
import { eventTypeNameSchema, HEADER_NAME_RE, signingSecretSchema, urlSchema } from "@/lib/validations/webhooks";
import { maxInFlightSchema, rateLimitSchema as forwardRateSchema } from "@/lib/validations/webhooks";

export const INBOUND_HANDLERS = ["store", "event", "forward"] as const;
export const INBOUND_VERIFICATIONS = ["none", "standard_webhooks", "github", "stripe", "shopify", "slack", "hmac_sha256"] as const;
export type InboundSenderType = (typeof INBOUND_VERIFICATIONS)[number];

/**
 * The sender types an incoming webhook is created by (its `verification`): how the sender signs,
 * where its secret comes from, its replay window and the delivery id it repeats on retries.
 * `secret`: "generated" when Gatehouse makes one for the admin to give the sender (if none is
 * pasted), "sender" when the sender issues it (pasted in; requests are refused until it is).
 */
export const INBOUND_SENDERS: Record<
  InboundSenderType,
  { label: string; summary: string; secret: "none" | "generated" | "sender"; secretLabel?: string; deliveryId?: string; replayWindow?: string }
> = {
  none: { label: "Generic (bearer token)", summary: "Any sender that can set a header: the integration token alone.", secret: "none" },
  standard_webhooks: {
    label: "Standard Webhooks",
    summary: "webhook-id, webhook-timestamp and webhook-signature (v1,<base64>) over the raw body, as Svix and others send.",
    secret: "generated",
    secretLabel: "Signing secret (whsec_…)",
    deliveryId: "webhook-id",
    replayWindow: "webhook-timestamp within 5 minutes",
  },
  github: {
    label: "GitHub",
    summary: "X-Hub-Signature-256 (sha256=<hex> HMAC of the raw body); retries repeat X-GitHub-Delivery.",
    secret: "generated",
    secretLabel: "Webhook secret",
    deliveryId: "X-GitHub-Delivery",
    replayWindow: "no timestamp is signed; repeats of X-GitHub-Delivery are deduplicated",
  },
  stripe: {
    label: "Stripe",
    summary: "Stripe-Signature t=<timestamp>,v1=<hex> over \"<timestamp>.<body>\"; the event id dedupes retries.",
    secret: "sender",
    secretLabel: "Endpoint signing secret from Stripe (whsec_…)",
    deliveryId: "the event's id (evt_…)",
    replayWindow: "t= within 300 seconds",
  },
  shopify: {
    label: "Shopify",
    summary: "X-Shopify-Hmac-Sha256 (base64 HMAC of the raw body); retries repeat X-Shopify-Webhook-Id.",
    secret: "sender",
    secretLabel: "App client secret from Shopify",
    deliveryId: "X-Shopify-Webhook-Id",
    replayWindow: "no timestamp is signed; repeats of X-Shopify-Webhook-Id are deduplicated",
  },
  slack: {
    label: "Slack",
    summary: "X-Slack-Signature v0=<hex> over \"v0:<timestamp>:<body>\" with X-Slack-Request-Timestamp.",
    secret: "sender",
    secretLabel: "Signing secret from Slack",
    deliveryId: "the Events API event_id",
    replayWindow: "X-Slack-Request-Timestamp within 5 minutes",
  },
  hmac_sha256: {
    label: "Custom HMAC-SHA256 header",
    summary: "sha256=<hex> HMAC of the raw body in a header you name.",
    secret: "generated",
    secretLabel: "Verification secret",
  },
};
export const INBOUND_OUTCOMES = ["stored", "emitted", "forwarded", "failed"] as const;
/** Largest body the receiving URL accepts; larger ones are answered 413. */
export const INBOUND_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const nameSchema = z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters");
const handlerSchema = z.enum(INBOUND_HANDLERS).describe("store: keep what arrives; event: emit each request as an event; forward: relay it to forward_url, signed");
const verificationSchema = z
  .enum(INBOUND_VERIFICATIONS)
  .describe(
    "The sender type, i.e. how the sender proves itself beyond the token: none (Generic, bearer token only); standard_webhooks (webhook-signature, 5 min window); " +
      "github (X-Hub-Signature-256); stripe (Stripe-Signature t=,v1=, 300 s tolerance); shopify (X-Shopify-Hmac-Sha256, base64); " +
      "slack (X-Slack-Signature v0 with X-Slack-Request-Timestamp, 5 min window); hmac_sha256 (`sha256=<hex>` in signature_header)",
  );
const signatureHeaderSchema = z
  .string()
  .trim()
  .min(1, "Name the header that carries the signature")
  .max(100, "Use at most 100 characters")
  .regex(HEADER_NAME_RE, "not a valid header name")
  .describe("hmac_sha256: the header holding `sha256=<hex>`, e.g. X-Hub-Signature-256");
const verificationSecretSchema = z
  .string()
  .min(8, "Use at least 8 characters")
  .max(200, "Use at most 200 characters")
  .describe(
    "The secret the sender signs with. standard_webhooks, github, hmac_sha256: generated (and returned once) when omitted; standard_webhooks takes `whsec_` + base64. " +
      "stripe, shopify, slack: issued by the sender, so paste it here; until it is set every request is refused (and logged as rejected)",
  );
const dedupWindowSchema = z.coerce
  .number()
  .int("Use a whole number")
  .min(0, "At least 0 (0 turns deduplication off)")
  .max(30 * 86400, "At most 30 days (2592000)")
  .describe("A sender's delivery id (webhook-id, X-GitHub-Delivery, the Stripe event id, X-Shopify-Webhook-Id, Slack event_id) seen again within this many seconds is answered 200 with the first message and stored once; 0 turns it off. Default 259200 (3 days)");
const rateLimitSchema = z.coerce
  .number()
  .int("Use a whole number")
  .min(1, "At least 1")
  .max(100_000, "At most 100000")
  .describe("Requests accepted per minute; more are answered 429 with Retry-After");

const settingsShape = {
  event_type: eventTypeNameSchema.nullish().describe("handler event: the event type each request becomes"),
  forward_url: urlSchema.nullish().describe("handler forward: where each request's raw body is relayed, signed with Standard Webhooks"),
  verification: verificationSchema.optional(),
  verification_secret: verificationSecretSchema.optional(),
  signature_header: signatureHeaderSchema.nullish(),
  rate_limit_per_minute: rateLimitSchema.optional(),
  dedup_window_seconds: dedupWindowSchema.optional(),
  forward_rate_limit_per_second: forwardRateSchema.nullish().describe("handler forward: at most this many relays start per second (the forward endpoint's throttle, across processes); null: no rate limit"),
  forward_max_in_flight: maxInFlightSchema.optional().describe("handler forward: at most this many relays in flight at once, 1 to 100 (default 10)"),
};

type Settings = {
  handler?: string;
  event_type?: string | null;
  forward_url?: string | null;
  verification?: string;
  verification_secret?: string;
  signature_header?: string | null;
};

/** Cross-field rules, as [field, message] pairs (a PATCH checks them on the merged row). */
export function inboundSettingsProblems(s: Settings): [string, string][] {
  const out: [string, string][] = [];
  if (s.handler === "event" && !s.event_type) out.push(["event_type", "Choose the event type to emit"]);
  if (s.handler === "forward" && !s.forward_url) out.push(["forward_url", "Enter the URL to forward to"]);
  if (s.verification === "hmac_sha256" && !s.signature_header) out.push(["signature_header", "Name the header that carries the signature"]);
  if (s.verification === "standard_webhooks" && s.verification_secret !== undefined) {
    const r = signingSecretSchema.safeParse(s.verification_secret);
    if (!r.success) out.push(["verification_secret", r.error.issues[0]!.message]);
  }
  return out;
}

function checkInboundSettings(s: Settings, ctx: z.RefinementCtx) {
  for (const [field, message] of inboundSettingsProblems(s)) ctx.addIssue({ code: "custom", path: [field], message });
}

export const createInboundWebhookSchema = z
  .strictObject({
    name: nameSchema.describe("Display name"),
    handler: handlerSchema,
    ...settingsShape,
    active: z.boolean().optional().describe("false creates the webhook inactive"),
  })
  .superRefine(checkInboundSettings);
export type CreateInboundWebhookInput = z.input<typeof createInboundWebhookSchema>;

export const updateInboundWebhookSchema = z.strictObject({
  name: nameSchema.optional(),
  handler: handlerSchema.optional(),
  ...settingsShape,
  status: z.enum(["active", "inactive"]).optional().describe("inactive: the URL answers 404 until activated again"),
});
export type UpdateInboundWebhookInput = z.input<typeof updateInboundWebhookSchema>;

export const inboundWebhookSchema = z.object({
  id: z.string().describe("iwh_…"),
  name: z.string(),
  url: z.string().describe("The receiving URL: POST here with `Authorization: Bearer <token>`"),
  handler: handlerSchema,
  event_type: z.string().nullable(),
  forward_url: z.string().nullable(),
  forward_endpoint_id: z.string().nullable().describe("The hidden endpoint that carries the forwards (its deliveries have the usual retries)"),
  forward_rate_limit_per_second: z.number().nullable().describe("The forward endpoint's rate limit (relays started per second); null: none, or no forward endpoint"),
  forward_max_in_flight: z.number().int().nullable().describe("The forward endpoint's relays in flight at once; null: no forward endpoint"),
  verification: verificationSchema,
  signature_header: z.string().nullable(),
  status: z.enum(["active", "inactive"]),
  rate_limit_per_minute: z.number().int(),
  dedup_window_seconds: z.number().int().describe("Repeats of a sender's delivery id within this many seconds are stored once; 0: off"),
  verification_secret_configured: z.boolean().describe("Whether a verification secret is set (stripe, shopify, slack: pasted from the sender)"),
  token_last4: z.string().describe("The last four characters of the integration token"),
  token_regenerated_at: z.string().nullable(),
  previous_token: z
    .object({
      last4: z.string(),
      valid_until: z.string().describe("The old token is accepted until then"),
      last_used_at: z.string().nullable().describe("When the old token last carried an accepted request"),
      last_used_ip: z.string().nullable(),
    })
    .nullable()
    .describe("During a regeneration's grace period: the old token, still accepted until valid_until"),
  environment: z.enum(["test", "live"]),
  created_at: z.string(),
  updated_at: z.string(),
  last_received_at: z.string().nullable(),
});
export type InboundWebhookView = z.infer<typeof inboundWebhookSchema>;

/** Secrets are in the response that made them and never again. */
export const inboundWebhookWithSecretsSchema = inboundWebhookSchema.extend({
  token: z.string().optional().describe("The integration token (gin_…), on create and regenerate only"),
  verification_secret: z.string().optional().describe("The verification secret, when one was generated"),
  forward_signing_secret: z.string().optional().describe("whsec_… secret the forwards are signed with, when the forward endpoint was created"),
});
export type InboundWebhookWithSecrets = z.infer<typeof inboundWebhookWithSecretsSchema>;

export const inboundListQuery = paginationQuery.extend({
  status: z.enum(["active", "inactive"]).optional(),
});

export const messageListQuery = paginationQuery.extend({
  outcome: z.enum(INBOUND_OUTCOMES).optional().describe("failed also matches forwarded messages whose forward failed"),
});

export const messageDeliverySchema = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  endpoint_name: z.string(),
  status: z.enum(["pending", "held", "succeeded", "failed"]),
  attempts: z.number().int(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  replay_of: z.string().nullable(),
  created_at: z.string(),
});

export const inboundMessageSchema = z.object({
  id: z.string().describe("imsg_…"),
  webhook_id: z.string(),
  received_at: z.string(),
  method: z.string(),
  query: z.string().nullable(),
  source_ip: z.string().nullable(),
  headers: z.array(z.tuple([z.string(), z.string()])).describe("[name, value] in arrival order; Authorization masked"),
  content_type: z.string().nullable(),
  body_size: z.number().int(),
  body_encoding: z.enum(["utf8", "base64"]).describe("utf8 when the body is valid UTF-8, base64 otherwise"),
  body: z.string().describe("The body in body_encoding (truncated in lists: see body_truncated)"),
  body_truncated: z.boolean(),
  outcome: z.enum(INBOUND_OUTCOMES),
  error: z.string().nullable(),
  event_id: z.string().nullable(),
  sender_delivery_id: z.string().nullable().describe("The sender's delivery id (the dedup key), when its type has one"),
  token_last4: z.string().nullable().describe("Last four characters of the integration token the request carried"),
  token: z
    .enum(["current", "previous", "older"])
    .nullable()
    .describe("Which token the request carried: current, previous (during a regeneration's grace period), older (since replaced)"),
  deliveries: z.array(messageDeliverySchema).describe("emitted: the event's deliveries; forwarded: the forward and its replays"),
});
export type InboundMessageView = z.infer<typeof inboundMessageSchema>;

export const acceptedSchema = z.object({
  id: z.string().describe("The message id (imsg_…)"),
  outcome: z.enum(INBOUND_OUTCOMES),
  event_id: z.string().nullable(),
  error: z.string().optional().describe("Why handling failed (outcome failed); the message is kept"),
  duplicate: z
    .literal(true)
    .optional()
    .describe("A repeat of a verified sender's delivery id within the dedup window: the first message's result (200), nothing stored again"),
  challenge: z.string().optional().describe("Slack's url_verification: its challenge, echoed (200) so Slack accepts the Request URL"),
});

export const regenerateTokenSchema = z
  .strictObject({
    grace_period_seconds: z.coerce
      .number()
      .int("Use a whole number")
      .min(0, "At least 0")
      .max(30 * 86400, "At most 30 days (2592000)")
      .default(0)
      .describe("The old token keeps working this many seconds (0: refused at once). A regeneration inside a grace period ends the older token's"),
  })
  .describe("Body of POST /api/v1/inbound-webhooks/{id}/regenerate-token (may be empty)");

export const INBOUND_REJECTION_REASONS = [
  "token_missing",
  "token_invalid",
  "inactive",
  "rate_limited",
  "too_large",
  "signature_invalid",
  "secret_not_configured",
  "body_invalid",
  "method_not_allowed",
  "error",
] as const;
export type InboundRejectionReason = (typeof INBOUND_REJECTION_REASONS)[number];

export const inboundRejectionSchema = z.object({
  id: z.string().describe("irej_…"),
  webhook_id: z.string(),
  received_at: z.string(),
  method: z.string(),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  status: z.number().int().describe("The HTTP status the sender was answered"),
  reason: z.enum(INBOUND_REJECTION_REASONS),
  detail: z.string().describe("The message the sender was answered (no body, no token)"),
  body_size: z.number().int().nullable().describe("Bytes received, or the declared Content-Length when the body was not read"),
  token_last4: z.string().nullable().describe("Last four characters of the token presented, if any"),
});
export type InboundRejectionView = z.infer<typeof inboundRejectionSchema>;

export const rejectionListQuery = paginationQuery.extend({
  reason: z.enum(INBOUND_REJECTION_REASONS).optional(),
});
