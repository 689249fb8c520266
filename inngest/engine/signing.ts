// Request signatures as the SDK verifies them: `X-Inngest-Signature: t=<unix s>&s=<hex>`, an
// HMAC-SHA256 over the canonical JSON of the body (RFC 8785 key order) followed by t, keyed
// with the signing key minus its `signkey-<env>-` prefix.
import { createHmac } from "node:crypto";

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

export function signatureHeader(canonicalBody: string, signingKey: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000).toString();
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  const s = createHmac("sha256", key).update(canonicalBody + t).digest("hex");
  return `t=${t}&s=${s}`;
}
