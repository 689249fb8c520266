// Sender verification over the exact bytes received, and signing of forwarded bytes. The
// standardwebhooks package signs strings (a Buffer is decoded as UTF-8 first) and its verify()
// parses the body as JSON, so a non-JSON or non-UTF-8 body could not be checked faithfully;
// these functions compute the same HMACs over raw bytes.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Standard Webhooks: timestamps further than this from now are refused (replay protection). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/** `v1,<base64>` of HMAC-SHA256(key, "<id>.<timestamp>." + body). */
export function signStandardWebhook(secret: string, msgId: string, timestampSeconds: number, body: Buffer): string {
  const mac = createHmac("sha256", secretKey(secret)).update(`${msgId}.${timestampSeconds}.`).update(body).digest("base64");
  return `v1,${mac}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks webhook-id, webhook-timestamp and webhook-signature (any of its space-separated v1 signatures). */
export function verifyStandardWebhook(
  secret: string,
  headers: { get(name: string): string | null },
  body: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifyResult {
  const id = headers.get("webhook-id");
  const ts = headers.get("webhook-timestamp");
  const sig = headers.get("webhook-signature");
  if (!id || !ts || !sig) return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature header" };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: "webhook-timestamp is not a Unix time in seconds" };
  const t = Number(ts);
  if (Math.abs(nowSeconds - t) > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: "webhook-timestamp is more than 5 minutes from now" };
  const expected = signStandardWebhook(secret, id, t, body);
  for (const candidate of sig.split(" ")) {
    if (candidate.startsWith("v1,") && safeEqual(candidate, expected)) return { ok: true };
  }
  return { ok: false, reason: "no webhook-signature matches the body" };
}

/** `sha256=<hex>` of HMAC-SHA256(secret, body), GitHub's X-Hub-Signature-256 form. */
export function signHmacSha256(secret: string, body: Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function verifyHmacSha256(secret: string, headerName: string, headers: { get(name: string): string | null }, body: Buffer): VerifyResult {
  const value = headers.get(headerName)?.trim();
  if (!value) return { ok: false, reason: `missing ${headerName} header` };
  if (!/^sha256=[0-9a-fA-F]{64}$/.test(value)) return { ok: false, reason: `${headerName} is not sha256=<64 hex digits>` };
  return safeEqual(value.toLowerCase(), signHmacSha256(secret, body)) ? { ok: true } : { ok: false, reason: `${headerName} does not match the body` };
}

/** A secret for hmac_sha256 senders: 32 random bytes as hex. */
export function generateHmacSecret(): string {
  return randomBytes(32).toString("hex");
}
