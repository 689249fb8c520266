// Private key JWT client authentication (RFC 7523 §2.2, §3; OpenID Connect Core §9): the client
// signs a short-lived JWT with a key whose public half is registered on its credential
// (client-keys.ts). Checked: the signature (asymmetric algorithms only), iss = sub = client_id,
// aud = this server's issuer or the endpoint's URL, exp present and in the future, iat present
// and not in the future, a lifetime of at most MAX_LIFETIME_S, and a jti never accepted before
// for this client: the jti is stored (ClientAssertionJti) until the assertion expires, and the
// primary key decides between concurrent uses, in any process, so exactly one wins.
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, errors, exportJWK, jwtVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { sql } from "@/lib/db/sql";
import { ASSERTION_ALGORITHMS, clientKeys } from "@/lib/credentials/client-keys";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The longest an assertion may live (exp - iat), which also bounds how long its jti is kept. */
export const MAX_LIFETIME_S = 300;
const CLOCK_SKEW_S = 30;
const MAX_JTI = 256;

export class AssertionRejected extends Error {}

/** The client_id an assertion claims (iss/sub), read without checking it: to find the credential. */
export function assertionClientId(assertion: string): string | null {
  try {
    const p = decodeJwt(assertion);
    return typeof p.sub === "string" ? p.sub : null;
  } catch {
    return null;
  }
}

function keySet(jwks: JSONWebKeySet) {
  return createLocalJWKSet(jwks);
}

/**
 * Verifies `assertion` for credential `credentialId` (client `clientId`); throws AssertionRejected
 * with a reason safe to send. `audiences`: the values `aud` may hold (issuer, endpoint URL).
 * Answers the id of the key that signed it: its kid, or its RFC 7638 thumbprint when the header
 * names none (the secret-use record counts exchanges per key).
 */
export async function verifyClientAssertion(opts: {
  credentialId: string;
  clientId: string;
  assertion: string;
  audiences: string[];
  now?: Date;
}): Promise<string> {
  const now = opts.now ?? new Date();
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(opts.assertion).kid;
  } catch {
    throw new AssertionRejected("client_assertion is not a JWT.");
  }
  let jwks = await clientKeys(opts.credentialId, { now });
  if (!jwks) throw new AssertionRejected("This credential has no registered public key for private_key_jwt.");
  if (kid && !jwks.keys.some((k) => k.kid === kid)) jwks = (await clientKeys(opts.credentialId, { now, missingKid: true })) ?? jwks;
  let payload, key;
  try {
    ({ payload, key } = await jwtVerify(opts.assertion, keySet(jwks), {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: opts.clientId,
      subject: opts.clientId,
      audience: opts.audiences,
      requiredClaims: ["exp", "iat", "jti"],
      clockTolerance: CLOCK_SKEW_S,
      currentDate: now,
    }));
  } catch (err) {
    throw new AssertionRejected(describe(err));
  }
  const nowS = Math.floor(now.getTime() / 1000);
  const { exp, iat, jti } = payload as { exp: number; iat: number; jti: unknown };
  if (iat > nowS + CLOCK_SKEW_S) throw new AssertionRejected("The assertion's iat is in the future.");
  if (exp - iat > MAX_LIFETIME_S || exp > nowS + MAX_LIFETIME_S + CLOCK_SKEW_S) {
    throw new AssertionRejected(`The assertion lives longer than ${MAX_LIFETIME_S} seconds; sign one with a shorter exp.`);
  }
  if (typeof jti !== "string" || !jti || jti.length > MAX_JTI) throw new AssertionRejected(`The assertion's jti must be a string of 1 to ${MAX_JTI} characters.`);
  if (!(await claimJti(opts.credentialId, jti, new Date((exp + CLOCK_SKEW_S) * 1000), now))) {
    throw new AssertionRejected("This assertion (its jti) was used before; sign a new one for every request.");
  }
  return kid ?? (await calculateJwkThumbprint(await exportJWK(key)));
}

/**
 * Records `jti` for the credential until `expiresAt`; false when it is already recorded and not
 * expired. A row past its expiry is taken over (its assertion can no longer pass the exp check).
 */
async function claimJti(credentialId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
  const rows = await sql<{ ok: number }>(
    `INSERT INTO "ClientAssertionJti" ("credentialId", "jti", "expiresAt") VALUES ($1, $2, $3::timestamp)
     ON CONFLICT ("credentialId", "jti") DO UPDATE SET "expiresAt" = EXCLUDED."expiresAt"
      WHERE "ClientAssertionJti"."expiresAt" <= $4::timestamp
     RETURNING 1 AS ok`,
    [credentialId, jti, expiresAt.toISOString(), now.toISOString()],
  );
  return rows.length === 1;
}

/** Deletes the jti records of expired assertions (the retention job). */
export async function pruneAssertionJtis(now = new Date()): Promise<number> {
  const rows = await sql<{ jti: string }>(`DELETE FROM "ClientAssertionJti" WHERE "expiresAt" < $1::timestamp RETURNING "jti"`, [now.toISOString()]);
  return rows.length;
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The assertion has expired.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "The assertion's aud is not this server (use the issuer or the token endpoint URL).";
    if (err.claim === "iss" || err.claim === "sub") return "The assertion's iss and sub must both be the client_id.";
    if (err.reason === "missing") return `The assertion has no ${err.claim} claim.`;
    return `The assertion's ${err.claim} claim is not acceptable.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return `The assertion's algorithm is not accepted; use one of ${ASSERTION_ALGORITHMS.join(", ")}.`;
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JWSSignatureVerificationFailed) {
    return "The assertion's signature does not match a registered key.";
  }
  return "The assertion could not be verified.";
}
