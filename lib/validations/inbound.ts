// Incoming webhooks (/api/v1/inbound-webhooks) and the messages they received. Event-type
// existence and forward-URL reachability need the database or DNS, so the domain functions
// check those and report them on the same field names.
import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";
import { eventTypeNameSchema, HEADER_NAME_RE, signingSecretSchema, urlSchema } from "@/lib/validations/webhooks";

export const INBOUND_HANDLERS = ["store", "event", "forward"] as const;
export const INBOUND_VERIFICATIONS = ["none", "standard_webhooks", "hmac_sha256"] as const;
export const INBOUND_OUTCOMES = ["stored", "emitted", "forwarded", "failed"] as const;
/** Largest body the receiving URL accepts; larger ones are answered 413. */
export const INBOUND_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const nameSchema = z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters");
const handlerSchema = z.enum(INBOUND_HANDLERS).describe("store: keep what arrives; event: emit each request as an event; forward: relay it to forward_url, signed");
const verificationSchema = z
  .enum(INBOUND_VERIFICATIONS)
  .describe("How the sender proves itself beyond the token: none, standard_webhooks (webhook-signature), or hmac_sha256 (`sha256=<hex>` in signature_header)");
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
  .describe("The secret the sender signs with; generated (and returned once) when omitted. standard_webhooks: `whsec_` + base64");
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
  verification: verificationSchema,
  signature_header: z.string().nullable(),
  status: z.enum(["active", "inactive"]),
  rate_limit_per_minute: z.number().int(),
  token_last4: z.string().describe("The last four characters of the integration token"),
  token_regenerated_at: z.string().nullable(),
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
    .describe("A repeat of a verified Standard Webhooks message (same webhook-id): the first message's result, nothing stored again"),
});
