// Wire shapes of incoming webhooks and their messages, and what audit entries may show.
import type { Delivery, Endpoint, InboundMessage, InboundWebhook } from "@/lib/generated/prisma/client";
import type { InboundMessageView, InboundWebhookView } from "@/lib/validations/inbound";

type WebhookRow = InboundWebhook & { forwardEndpoint?: Pick<Endpoint, "id" | "url" | "rateLimitPerSecond" | "maxInFlight"> | null };
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The receiving URL; stable for the webhook's life (the id never changes). */
export function inboundUrl(origin: string, id: string): string {
  return `${origin.replace(/\/$/, "")}/in/${id}`;
}

export function inboundWebhookView(w: WebhookRow, origin: string, lastReceivedAt?: Date | null): InboundWebhookView {
  return {
    id: w.id,
    name: w.name,
    url: inboundUrl(origin, w.id),
    handler: w.handler,
    event_type: w.eventType,
    forward_url: w.forwardEndpoint?.url ?? null,
    forward_endpoint_id: w.forwardEndpoint?.id ?? null,
    forward_rate_limit_per_second: w.forwardEndpoint?.rateLimitPerSecond ?? null,
    forward_max_in_flight: w.forwardEndpoint?.maxInFlight ?? null,
    verification: w.verification,
    signature_header: w.signatureHeader,
    status: w.status,
    rate_limit_per_minute: w.rateLimitPerMinute,
    dedup_window_seconds: w.dedupWindowSeconds,
    verification_secret_configured: w.verificationSecretEncrypted !== null,
    token_last4: w.tokenLast4,
    token_regenerated_at: iso(w.tokenRegeneratedAt),
    previous_token: previousToken(w),
    environment: w.environment,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
    last_received_at: iso(lastReceivedAt),
  };
}

/** The old token while its grace period runs, else null. */
function previousToken(w: WebhookRow, now = new Date()): InboundWebhookView["previous_token"] {
  if (!w.previousTokenHash || !w.previousTokenUntil || w.previousTokenUntil <= now) return null;
  return {
    last4: w.previousTokenLast4 ?? "",
    valid_until: w.previousTokenUntil.toISOString(),
    last_used_at: iso(w.previousTokenLastUsedAt),
    last_used_ip: w.previousTokenLastUsedIp,
  };
}

/** No secrets, no token material. */
export function inboundAuditSnapshot(w: WebhookRow) {
  return {
    name: w.name,
    handler: w.handler,
    event_type: w.eventType,
    forward_url: w.forwardEndpoint?.url ?? null,
    forward_rate_limit_per_second: w.forwardEndpoint?.rateLimitPerSecond ?? null,
    forward_max_in_flight: w.forwardEndpoint?.maxInFlight ?? null,
    verification: w.verification,
    signature_header: w.signatureHeader,
    status: w.status,
    rate_limit_per_minute: w.rateLimitPerMinute,
    dedup_window_seconds: w.dedupWindowSeconds,
  };
}

const LIST_BODY_LIMIT = 16 * 1024;

/** Whether bytes are well-formed UTF-8 (a strict decoder throws on anything else). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

type DeliveryRow = Delivery & { endpoint: { name: string } };
type MessageRow = InboundMessage & {
  event?: { deliveries: DeliveryRow[] } | null;
  webhook?: { tokenLast4: string; previousTokenLast4: string | null };
};

function tokenKind(m: MessageRow): InboundMessageView["token"] {
  if (!m.tokenLast4 || !m.webhook) return null;
  if (m.tokenLast4 === m.webhook.tokenLast4) return "current";
  return m.tokenLast4 === m.webhook.previousTokenLast4 ? "previous" : "older";
}

/** `full` keeps the whole body; lists cut it at 16 KiB (body_truncated says so). */
export function inboundMessageView(m: MessageRow, opts: { full?: boolean } = {}): InboundMessageView {
  const bytes = Buffer.from(m.body);
  const utf8 = isUtf8(bytes);
  const cut = !opts.full && bytes.length > LIST_BODY_LIMIT;
  let shown = cut ? bytes.subarray(0, LIST_BODY_LIMIT) : bytes;
  // Do not split a UTF-8 character at the cut.
  if (cut && utf8) while (shown.length && !isUtf8(shown)) shown = shown.subarray(0, shown.length - 1);
  return {
    id: m.id,
    webhook_id: m.webhookId,
    received_at: m.receivedAt.toISOString(),
    method: m.method,
    query: m.query,
    source_ip: m.sourceIp,
    headers: (m.headers as [string, string][]) ?? [],
    content_type: m.contentType,
    body_size: m.bodySize,
    body_encoding: utf8 ? "utf8" : "base64",
    body: utf8 ? shown.toString("utf8") : shown.toString("base64"),
    body_truncated: cut,
    outcome: m.outcome,
    error: m.error,
    event_id: m.eventId,
    sender_delivery_id: m.senderMessageId,
    token_last4: m.tokenLast4,
    token: tokenKind(m),
    deliveries: (m.event?.deliveries ?? []).map((d) => ({
      id: d.id,
      endpoint_id: d.endpointId,
      endpoint_name: d.endpoint.name,
      status: d.status,
      attempts: d.attempts,
      last_response_status: d.lastResponseStatus,
      last_error: d.lastError,
      replay_of: d.replayOfId,
      created_at: d.createdAt.toISOString(),
    })),
  };
}
