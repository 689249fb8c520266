// Request signatures as the SDK verifies them: `X-Inngest-Signature: t=<unix s>&s=<hex>`, an
// HMAC-SHA256 over the canonical JSON of the body (RFC 8785 key order) followed by t, keyed
// with the signing key minus its `signkey-<env>-` prefix. The SDK signs its responses the same
// way (over the response text), which is how the executor knows a reply came from the app.
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a signature's timestamp may be from now, as the SDK allows for requests. */
const MAX_SKEW_SECONDS = 5 * 60;

/** JSON with object keys sorted recursively; the SDK re-canonicalizes what it parses, so we send exactly this. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== "function")
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

function hmacHex(text: string, signingKey: string, t: string): string {
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  return createHmac("sha256", key).update(text + t).digest("hex");
}

export function signatureHeader(canonicalBody: string, signingKey: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000).toString();
  return `t=${t}&s=${hmacHex(canonicalBody, signingKey, t)}`;
}

/**
 * True when `header` is a fresh signature of exactly `text` with `signingKey`: what the SDK puts
 * on every reply to a request it verified. A reply without it did not come from our app.
 */
export function verifySignature(text: string, header: string | null, signingKey: string, nowMs = Date.now()): boolean {
  if (!header) return false;
  const params = new URLSearchParams(header);
  const t = params.get("t");
  const s = params.get("s");
  if (!t || !s || !/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(s)) return false;
  if (Math.abs(nowMs / 1000 - Number(t)) > MAX_SKEW_SECONDS) return false;
  return timingSafeEqual(Buffer.from(hmacHex(text, signingKey, t), "hex"), Buffer.from(s, "hex"));
}
