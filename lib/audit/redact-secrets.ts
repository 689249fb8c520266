// Audit before/after snapshots must never carry a secret, even when a caller passes a whole row.
//
// The rule: a key is split into lowercase words (camelCase, snake_case, kebab-case, spaces), and
// its value becomes "[redacted]" when one of the words is secret(s), token(s), password, passwd,
// hash, authorization, cookie, apikey, or the key contains "api key" / "private key", unless the
// last word says the value is only metadata about a secret (at, expires, expiry, lifetime, ttl,
// seconds, until, configured, prefix, last4, hint, count, id, ids, type). So `clientSecret`,
// `secretHash`, `auth_token`, `tokenHash`, `Authorization`, `x-api-key` are redacted;
// `secretExpiresAt`, `old_secret_valid_until`, `tokenLifetime`, `authTokenConfigured`, `secretPrefix`
// are kept.
// A null value stays null, so the log still shows whether a secret was set or cleared.
// Applied at every depth, including inside arrays.

export const REDACTED = "[redacted]";

const SENSITIVE_WORDS = new Set([
  "secret",
  "secrets",
  "token",
  "tokens",
  "password",
  "passwd",
  "hash",
  "authorization",
  "cookie",
  "apikey",
]);
const METADATA_SUFFIXES = new Set([
  "at",
  "expires",
  "expiry",
  "lifetime",
  "ttl",
  "seconds",
  "until",
  "configured",
  "prefix",
  "last4",
  "hint",
  "count",
  "id",
  "ids",
  "type",
]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a key of a before/after snapshot names a secret (see the rule above). */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0) return false;
  if (w.length > 1 && METADATA_SUFFIXES.has(w[w.length - 1]!)) return false;
  if (w.some((x) => SENSITIVE_WORDS.has(x))) return true;
  const joined = ` ${w.join(" ")} `;
  return joined.includes(" api key ") || joined.includes(" private key ");
}

// Lone UTF-16 surrogates cannot be stored as UTF-8 and NUL cannot be stored in text or JSONB;
// left in, the stored value would differ from the hashed one and the chain would look broken.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function storableString(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD").replace(/\u0000/g, "");
}

/**
 * Turns any value into the plain JSON data that JSONB will hand back unchanged, redacting
 * secrets on the way: Dates become ISO strings, bigints strings, toJSON() is honoured,
 * undefined/functions/symbols are dropped (null inside arrays), non-finite numbers become null.
 * Returns undefined for "nothing to store".
 */
export function toJsonValue(value: unknown, seen: Set<object> = new Set()): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "string":
      return storableString(value);
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === "function") {
    return toJsonValue((obj as { toJSON: () => unknown }).toJSON(), seen);
  }
  if (seen.has(obj)) return "[circular]";
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => toJsonValue(v, seen) ?? null);
    if (obj instanceof Map) return toJsonValue(Object.fromEntries(obj), seen);
    if (obj instanceof Set) return toJsonValue([...obj], seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const key = storableString(k);
      if (isSecretKey(key) && v !== null && v !== undefined) {
        out[key] = REDACTED;
        continue;
      }
      const j = toJsonValue(v, seen);
      if (j !== undefined) out[key] = j;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
