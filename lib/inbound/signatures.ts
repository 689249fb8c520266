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

/** Stripe's default tolerance for `t=` in Stripe-Signature (stripe-node's DEFAULT_TOLERANCE). */
export const STRIPE_TOLERANCE_SECONDS = 300;
/** Slack refuses requests whose X-Slack-Request-Timestamp is more than five minutes off. */
export const SLACK_TOLERANCE_SECONDS = 5 * 60;

function hmacHex(key: string | Buffer, ...parts: (string | Buffer)[]): string {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

function staleOrFuture(what: string, ts: string | null | undefined, nowSeconds: number, tolerance: number): string | null {
  if (!ts || !/^\d{1,12}$/.test(ts)) return `${what} is not a Unix time in seconds`;
  const skew = nowSeconds - Number(ts);
  if (skew > tolerance) return `${what} is ${skew} s old, more than the ${tolerance} s tolerance (a stale or replayed request)`;
  if (-skew > tolerance) return `${what} is ${-skew} s in the future, more than the ${tolerance} s tolerance`;
  return null;
}

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`, v1 = HMAC-SHA256 keyed with
 * the endpoint secret (the whole `whsec_…` string) over `<t>.<raw body>`; t within 300 s.
 */
export function verifyStripe(secret: string, headers: { get(name: string): string | null }, body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): VerifyResult {
  const header = headers.get("stripe-signature");
  if (!header) return { ok: false, reason: "missing Stripe-Signature header" };
  let t: string | null = null;
  const v1: string[] = [];
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const k = item.slice(0, eq).trim();
    const v = item.slice(eq + 1).trim();
    if (k === "t") t = v;
    else if (k === "v1") v1.push(v);
  }
  if (!t || !v1.length) return { ok: false, reason: "Stripe-Signature has no t= timestamp or no v1= signature" };
  const expected = hmacHex(secret, `${t}.`, body);
  if (!v1.some((s) => safeEqual(s.toLowerCase(), expected))) return { ok: false, reason: "no v1 signature in Stripe-Signature matches the body" };
  const stale = staleOrFuture("Stripe-Signature t=", t, nowSeconds, STRIPE_TOLERANCE_SECONDS);
  return stale ? { ok: false, reason: stale } : { ok: true };
}

/** Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 (the app's client secret) of the raw body. */
export function verifyShopify(secret: string, headers: { get(name: string): string | null }, body: Buffer): VerifyResult {
  const value = headers.get("x-shopify-hmac-sha256")?.trim();
  if (!value) return { ok: false, reason: "missing X-Shopify-Hmac-Sha256 header" };
  const expected = createHmac("sha256", secret).update(body).digest("base64");
  return safeEqual(value, expected) ? { ok: true } : { ok: false, reason: "X-Shopify-Hmac-Sha256 does not match the body" };
}

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 (the app's signing secret) over
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`; the timestamp within five minutes.
 */
export function verifySlack(secret: string, headers: { get(name: string): string | null }, body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): VerifyResult {
  const sig = headers.get("x-slack-signature")?.trim();
  const ts = headers.get("x-slack-request-timestamp")?.trim();
  if (!sig || !ts) return { ok: false, reason: "missing X-Slack-Signature or X-Slack-Request-Timestamp header" };
  const stale = staleOrFuture("X-Slack-Request-Timestamp", ts, nowSeconds, SLACK_TOLERANCE_SECONDS);
  if (stale) return { ok: false, reason: stale };
  const expected = `v0=${hmacHex(secret, `v0:${ts}:`, body)}`;
  return safeEqual(sig.toLowerCase(), expected) ? { ok: true } : { ok: false, reason: "X-Slack-Signature does not match the body" };
}
