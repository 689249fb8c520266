// Sender types: how each kind of sender proves a request is its own (over the raw bytes, with
// its own replay window) and which delivery id it repeats on a retry (the dedup key). Labels and
// the browser-safe table are in lib/validations/inbound.ts (INBOUND_SENDERS).
import { createHash } from "node:crypto";
import type { InboundVerification } from "@/lib/generated/prisma/client";
import {
  verifyHmacSha256,
  verifyShopify,
  verifySlack,
  verifyStandardWebhook,
  verifyStripe,
  type VerifyResult,
} from "@/lib/inbound/signatures";

type Headers = { get(name: string): string | null };

/** A delivery id as a dedup key: as sent when short, else its SHA-256 (the key column stays small). */
function key(id: string | null | undefined): string | null {
  const v = id?.trim();
  if (!v) return null;
  return v.length <= 200 ? v : `sha256:${createHash("sha256").update(v).digest("hex")}`;
}

/** A top-level string field of a JSON object body (Stripe's event `id`, Slack's `event_id`), else null. */
export function jsonField(body: Buffer, field: string): string | null {
  if (!body.length || body[0] !== 0x7b /* { */) return null;
  try {
    const v = (JSON.parse(body.toString("utf8")) as Record<string, unknown>)[field];
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

/** The id a sender repeats when it retries a delivery (read only after the signature checked out). */
export function senderDeliveryId(mode: InboundVerification, headers: Headers, body: Buffer): string | null {
  switch (mode) {
    case "standard_webhooks":
      return key(headers.get("webhook-id"));
    case "github":
      return key(headers.get("x-github-delivery"));
    case "stripe":
      return key(jsonField(body, "id"));
    case "shopify":
      return key(headers.get("x-shopify-webhook-id"));
    case "slack":
      return key(jsonField(body, "event_id"));
    default:
      return null;
  }
}

/** Checks the request against the sender's scheme; `secret` is the decrypted verification secret. */
export function verifySender(
  mode: InboundVerification,
  secret: string,
  signatureHeader: string | null,
  headers: Headers,
  body: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifyResult {
  switch (mode) {
    case "none":
      return { ok: true };
    case "standard_webhooks":
      return verifyStandardWebhook(secret, headers, body, nowSeconds);
    case "hmac_sha256":
      return verifyHmacSha256(secret, signatureHeader ?? "x-signature", headers, body);
    case "github":
      return verifyHmacSha256(secret, "X-Hub-Signature-256", headers, body);
    case "stripe":
      return verifyStripe(secret, headers, body, nowSeconds);
    case "shopify":
      return verifyShopify(secret, headers, body);
    case "slack":
      return verifySlack(secret, headers, body, nowSeconds);
  }
}
