// An endpoint's custom headers. Their values are secrets (the console suggests API keys), so
// each is stored AES-256-GCM encrypted like the auth token, never returned by the API (views
// show MASKED_HEADER_VALUE) and masked in the request headers recorded with each attempt.
//
// Rows written before encryption (`headersEncrypted` false) hold plaintext: they are read as
// such and encrypted the next time the endpoint is written (encryptLegacyHeaders does all at once).
import { decrypt, encrypt } from "@/lib/crypto/encryption";
import type { FieldError } from "@/lib/api/errors";
import type { Db, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { headerNameProblem, headerValueProblem, MASKED_HEADER_VALUE } from "@/lib/validations/webhooks";

export type StoredHeaders = { headers: Prisma.JsonValue; headersEncrypted: boolean };

function entriesOf(json: Prisma.JsonValue): [string, string][] {
  if (!json || typeof json !== "object" || Array.isArray(json)) return [];
  return Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string");
}

/** What to write for `plain`: the names in clear, each value encrypted. */
export function sealHeaders(plain: Record<string, string>): { headers: Record<string, string>; headersEncrypted: true } {
  return { headers: Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, encrypt(v)])), headersEncrypted: true };
}

/** The plaintext headers of a row (legacy rows are plaintext already). Throws if a value cannot be decrypted. */
export function openHeaders(row: StoredHeaders): Record<string, string> {
  const entries = entriesOf(row.headers);
  if (!row.headersEncrypted) return Object.fromEntries(entries);
  return Object.fromEntries(
    entries.map(([k, v]) => {
      try {
        return [k, decrypt(v)];
      } catch {
        throw new Error(`the value of custom header ${k} cannot be decrypted (was GATEHOUSE_ENCRYPTION_KEY changed?)`);
      }
    }),
  );
}

export function headerNames(row: StoredHeaders): string[] {
  return entriesOf(row.headers).map(([k]) => k);
}

/** What every view shows: each name, with its value masked. */
export function maskedHeaders(row: StoredHeaders): Record<string, string> {
  return Object.fromEntries(headerNames(row).map((k) => [k, MASKED_HEADER_VALUE]));
}

/**
 * The headers to store for `input` (already validated by customHeadersSchema): a value equal to
 * MASKED_HEADER_VALUE takes the value stored under the same name (case-insensitive), so a form
 * or client can send back what it read. A masked value with nothing to keep is an error on
 * `<field>.<name>`.
 */
export function resolveMaskedHeaders(
  input: Record<string, string>,
  current: Record<string, string>,
  field: string,
): { headers: Record<string, string>; errors: FieldError[] } {
  const byLower = new Map(Object.entries(current).map(([k, v]) => [k.toLowerCase(), v]));
  const headers: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value !== MASKED_HEADER_VALUE) headers[name] = value;
    else if (byLower.has(name.toLowerCase())) headers[name] = byLower.get(name.toLowerCase())!;
    else errors.push({ field: `${field}.${name}`, message: `has no stored value to keep; enter the value ("${MASKED_HEADER_VALUE}" means unchanged)` });
  }
  return { headers, errors };
}

/**
 * The custom headers a delivery may send, or why it cannot: a row that holds a name or value the
 * API would refuse (written before the rule, or planted in the database) fails the attempt with
 * this message instead of throwing inside the HTTP client.
 */
export function sendableHeaders(row: StoredHeaders): { headers: Record<string, string> } | { problem: string } {
  let plain: Record<string, string>;
  try {
    plain = openHeaders(row);
  } catch (err) {
    return { problem: (err as Error).message };
  }
  for (const [name, value] of Object.entries(plain)) {
    const p = headerNameProblem(name);
    if (p) return { problem: `custom header ${JSON.stringify(name.slice(0, 100))} cannot be sent: ${p}` };
    const v = value === MASKED_HEADER_VALUE ? "is the mask, not a value" : headerValueProblem(value);
    if (v) return { problem: `custom header ${name} cannot be sent: its value is refused (${v})` };
  }
  return { headers: plain };
}

/** Recorded request headers: each custom header's value and the bearer token masked. */
export function maskRecordedHeaders(headers: Record<string, string>, customNames: string[]): Record<string, string> {
  const custom = new Set(customNames.map((n) => n.toLowerCase()));
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      k.toLowerCase() === "authorization" ? maskAuthorization(v) : custom.has(k.toLowerCase()) ? MASKED_HEADER_VALUE : v,
    ]),
  );
}

function maskAuthorization(v: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) /.exec(v)?.[1];
  return scheme ? `${scheme} ${MASKED_HEADER_VALUE}` : MASKED_HEADER_VALUE;
}

/** Encrypts the custom header values of every legacy row; returns how many rows it wrote. */
export async function encryptLegacyHeaders(client: Db | Tx): Promise<number> {
  const rows = await client.endpoint.findMany({ where: { headersEncrypted: false }, select: { id: true, headers: true, headersEncrypted: true } });
  let n = 0;
  for (const r of rows) {
    // Only if still legacy: a concurrent write has encrypted it already otherwise.
    const { count } = await client.endpoint.updateMany({ where: { id: r.id, headersEncrypted: false }, data: sealHeaders(openHeaders(r)) });
    n += count;
  }
  return n;
}
