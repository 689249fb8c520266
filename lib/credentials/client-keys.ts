// The public keys a credential's client signs its assertions with (private_key_jwt, RFC 7523):
// registered as a JWKS, or as a URL serving one. A URL is fetched under the outgoing-URL policy
// (lib/webhooks/url-policy.ts: no private addresses unless allowed, https in live, the address
// checked is the address connected to), with a timeout and a size bound, and what it served is
// kept on the credential's row (jwksFetched), fresh for JWKS_TTL_MS, so every process reads the
// same copy and a burst of exchanges costs one fetch, not one each.
import http from "node:http";
import https from "node:https";
import { importJWK, type JSONWebKeySet, type JWK } from "jose";
import { AppError } from "@/lib/api/errors";
import { sql } from "@/lib/db/sql";
import type { Environment } from "@/lib/generated/prisma/client";
import { allowPrivateUrls, checkUrlSyntax, isBlockedAddress, safeLookup } from "@/lib/webhooks/url-policy";

/** Signature algorithms accepted on client assertions: asymmetric only (no shared-secret HS*). */
export const ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

export const MAX_KEYS = 10;
const MAX_JWKS_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 3_000;
/** How long a fetched JWKS is used before it is fetched again. */
export const JWKS_TTL_MS = 5 * 60_000;
/** A kid the copy does not have makes a fetch at most this often (a key rotated at the client). */
const REFETCH_MIN_MS = 30_000;
/** When the URL cannot be reached, a copy this young still serves. */
const STALE_MAX_MS = 24 * 3600_000;

export class JwksProblem extends Error {}

/** A JWKS of public keys only, each importable, at most MAX_KEYS; throws JwksProblem saying why not. */
export async function parseJwks(input: unknown): Promise<JSONWebKeySet> {
  const set = input && typeof input === "object" && !Array.isArray(input) && "kty" in input ? { keys: [input] } : input;
  if (!set || typeof set !== "object" || !Array.isArray((set as { keys?: unknown }).keys)) throw new JwksProblem('must be a JWKS ({"keys": [...]}) or one JWK');
  const keys = (set as { keys: unknown[] }).keys;
  if (keys.length === 0) throw new JwksProblem("has no keys");
  if (keys.length > MAX_KEYS) throw new JwksProblem(`has more than ${MAX_KEYS} keys`);
  const out: JWK[] = [];
  for (const [i, k] of keys.entries()) {
    if (!k || typeof k !== "object" || Array.isArray(k)) throw new JwksProblem(`keys[${i}] is not a JWK object`);
    const jwk = k as JWK;
    if (jwk.kty !== "RSA" && jwk.kty !== "EC" && jwk.kty !== "OKP") throw new JwksProblem(`keys[${i}]: kty must be RSA, EC or OKP (public-key signatures)`);
    if ("d" in jwk || "p" in jwk || "q" in jwk) throw new JwksProblem(`keys[${i}] is a private key: register the public half only`);
    if (jwk.use !== undefined && jwk.use !== "sig") throw new JwksProblem(`keys[${i}]: use must be "sig"`);
    if (jwk.alg !== undefined && !ASSERTION_ALGORITHMS.includes(jwk.alg)) throw new JwksProblem(`keys[${i}]: alg ${jwk.alg} is not accepted`);
    if (jwk.kty === "RSA" && typeof jwk.n === "string" && Buffer.from(jwk.n, "base64url").length < 256) {
      throw new JwksProblem(`keys[${i}]: RSA keys must have at least 2048 bits`);
    }
    try {
      // The algorithm only tells jose how to read the key; EC and OKP keys name their curve.
      await importJWK(jwk, jwk.alg ?? (jwk.kty === "RSA" ? "RS256" : jwk.kty === "EC" ? ({ "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[jwk.crv ?? ""] ?? "ES256") : "EdDSA"));
    } catch (err) {
      throw new JwksProblem(`keys[${i}] cannot be read: ${(err as Error).message}`);
    }
    out.push(jwk);
  }
  if (JSON.stringify(out).length > MAX_JWKS_BYTES) throw new JwksProblem(`is larger than ${MAX_JWKS_BYTES} bytes`);
  return { keys: out };
}

/** GET `url` under the outgoing-URL policy; the JWKS it serves, or JwksProblem. */
export async function fetchJwks(url: string, environment: Environment): Promise<JSONWebKeySet> {
  const allowPrivate = allowPrivateUrls();
  const checked = checkUrlSyntax(url, { environment, allowPrivate });
  if (!checked.ok) throw new JwksProblem(checked.problem.message);
  const u = checked.url;
  if (!allowPrivate && isBlockedAddress(u.hostname)) throw new JwksProblem("must not point at a private, loopback or link-local address");
  const body = await new Promise<string>((resolve, reject) => {
    const mod = u.protocol === "https:" ? https : http;
    const req = mod.get(u, { timeout: FETCH_TIMEOUT_MS, headers: { accept: "application/json" }, ...(allowPrivate ? {} : { lookup: safeLookup as never }) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new JwksProblem(`answered ${res.statusCode}, not 200`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_JWKS_BYTES) {
          req.destroy();
          reject(new JwksProblem(`served more than ${MAX_JWKS_BYTES} bytes`));
        } else chunks.push(c);
      });
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", (e) => reject(new JwksProblem(`could not be read: ${e.message}`)));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS} ms`)));
    req.on("error", (e) => reject(e instanceof JwksProblem ? e : new JwksProblem(`could not be fetched: ${e.message}`)));
  });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new JwksProblem("did not serve JSON");
  }
  return parseJwks(json);
}

/** A JWKS given in the API: the field at fault named. */
export async function checkedJwks(input: unknown, field: string): Promise<JSONWebKeySet> {
  try {
    return await parseJwks(input);
  } catch (err) {
    if (err instanceof JwksProblem) throw new AppError("validation_failed", `${field}: ${err.message}`, { errors: [{ field, message: err.message }] });
    throw err;
  }
}

type KeyRow = { environment: Environment; jwks: JSONWebKeySet | null; jwksUrl: string | null; jwksFetched: JSONWebKeySet | null; fetchedAt: Date | null };

/**
 * The keys to check an assertion of credential `id` against, or null when it has none registered.
 * `missingKid`: the assertion names a key the copy lacks; a copy older than REFETCH_MIN_MS is then
 * fetched again (the client may have rotated its key).
 */
export async function clientKeys(id: string, opts: { missingKid?: boolean; now?: Date } = {}): Promise<JSONWebKeySet | null> {
  const now = opts.now ?? new Date();
  const [row] = await sql<KeyRow>(
    `SELECT "environment"::text AS "environment", "jwks", "jwksUrl", "jwksFetched", ("jwksFetchedAt" AT TIME ZONE 'UTC') AS "fetchedAt"
       FROM "Credential" WHERE "id" = $1`,
    [id],
  );
  if (!row) return null;
  if (row.jwks) return row.jwks;
  if (!row.jwksUrl) return null;
  const age = row.fetchedAt ? now.getTime() - row.fetchedAt.getTime() : Infinity;
  const fresh = row.jwksFetched && (opts.missingKid ? age < REFETCH_MIN_MS : age < JWKS_TTL_MS);
  if (fresh) return row.jwksFetched;
  try {
    const fetched = await fetchJwks(row.jwksUrl, row.environment);
    await sql(`UPDATE "Credential" SET "jwksFetched" = $2::jsonb, "jwksFetchedAt" = $3::timestamp WHERE "id" = $1 AND "jwksUrl" = $4`, [
      id,
      JSON.stringify(fetched),
      now.toISOString(),
      row.jwksUrl,
    ]);
    return fetched;
  } catch (err) {
    // The URL is down: a recent copy still serves; none at all is a failed authentication.
    if (row.jwksFetched && age < STALE_MAX_MS) return row.jwksFetched;
    if (err instanceof JwksProblem) return { keys: [] };
    throw err;
  }
}

/** What the API shows of registered keys: never more than their public identity. */
export function clientKeysView(c: { jwks: unknown; jwksUrl: string | null; jwksFetched: unknown; jwksFetchedAt: Date | null }) {
  if (!c.jwks && !c.jwksUrl) return null;
  const set = (c.jwks ?? c.jwksFetched) as JSONWebKeySet | null;
  return {
    jwks_url: c.jwksUrl,
    keys: (set?.keys ?? []).map((k) => ({ kid: k.kid ?? null, kty: k.kty ?? "", alg: k.alg ?? null, crv: k.crv ?? null })),
    fetched_at: c.jwksUrl && c.jwksFetchedAt ? c.jwksFetchedAt.toISOString() : null,
  };
}
