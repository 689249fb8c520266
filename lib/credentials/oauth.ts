// The OAuth 2.0 surface: client authentication (RFC 6749 §2.3.1, basic or post; or a signed
// assertion, private_key_jwt, RFC 7523: client-assertion.ts), the
// client-credentials grant (§4.4), introspection (RFC 7662) and revocation (RFC 7009).
// Errors follow §5.2: {error, error_description}.
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { digestEquals, sha256 } from "@/lib/credentials/hash";
import { parseSecret } from "@/lib/credentials/secret-format";
import { db } from "@/lib/db/client";
import { lockedOutDescription, lockedOutFrom, wrongSecret, type LockedOut } from "@/lib/credentials/lockout";
import { prepared, processLoader, sql } from "@/lib/db/sql";
import { quotaExceeded } from "@/lib/credentials/issuance-quota";
import { takeQuota } from "@/lib/credentials/quota-lease";
import { recordExchange } from "@/lib/credentials/exchange-records";
import { mintAccessToken, readAccessToken } from "@/lib/credentials/signed-token";
import { forgetTokensEverywhere, recallClient, rememberClient, tokenEpoch } from "@/lib/credentials/token-cache";
import type { ClientProof, FoundToken, OAuthClient } from "@/lib/credentials/oauth-types";
import { keyTag, secretTag } from "@/lib/credentials/use-tags";
import type { Credential } from "@/lib/generated/prisma/client";
import { AssertionRejected, assertionClientId, JWT_BEARER, verifyClientAssertion } from "@/lib/credentials/client-assertion";

export type OAuthErrorCode =
  | "invalid_request" // malformed: wrong content type, missing or repeated parameter, two auth methods
  | "invalid_client" // unknown client, wrong secret, revoked or expired credential
  | "invalid_grant"
  | "unauthorized_client" // revoking a token that belongs to another client
  | "unsupported_grant_type" // anything but client_credentials
  | "invalid_scope" // a requested scope the credential does not have
  | "unsupported_token_type"
  | "rate_limited"; // 429 + Retry-After: a lockout after wrong secrets, or the issuance quota (not in RFC 6749; as oauth-route's limits)

export class OAuthError extends Error {
  /** Sent as Retry-After (429s: a lockout, a quota). */
  retryAfterSeconds?: number;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === "invalid_client" ? 401 : 400,
    readonly basicAuthUsed = false,
  ) {
    super(description);
  }
}

/** The form body, with each parameter at most once (RFC 6749 §3.2). */
export function parseForm(contentType: string | null, body: string): URLSearchParams {
  if (!contentType || !/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new OAuthError("invalid_request", "Send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded).");
  }
  const form = new URLSearchParams(body);
  const seen = new Set<string>();
  for (const k of form.keys()) {
    if (seen.has(k)) throw new OAuthError("invalid_request", `The parameter ${k} is repeated.`);
    seen.add(k);
  }
  return form;
}

export type ClientAuth =
  | { clientId: string; clientSecret: string; method: "client_secret_basic" | "client_secret_post" }
  | { clientId: string; assertion: string; method: "private_key_jwt" };

/** Reads the client's credentials; exactly one method may be used. */
export function readClientAuth(authorization: string | null, form: URLSearchParams): ClientAuth {
  const postId = form.get("client_id");
  const postSecret = form.get("client_secret");
  const assertionType = form.get("client_assertion_type");
  const assertion = form.get("client_assertion");
  if (assertionType !== null || assertion !== null) {
    if (postSecret || (authorization && /^basic\s/i.test(authorization))) throw new OAuthError("invalid_request", "Use one client authentication method, not both.");
    if (assertionType !== JWT_BEARER) throw new OAuthError("invalid_request", `client_assertion_type must be ${JWT_BEARER}.`);
    if (!assertion) throw new OAuthError("invalid_request", "client_assertion is required with client_assertion_type.");
    // RFC 7523 §3: client_id is optional; when sent, it must be the assertion's subject.
    const claimed = assertionClientId(assertion);
    if (!claimed) throw new OAuthError("invalid_client", "client_assertion is not a JWT with a sub claim.");
    if (postId && postId !== claimed) throw new OAuthError("invalid_client", "client_id differs from the assertion's sub.");
    return { clientId: claimed, assertion, method: "private_key_jwt" };
  }
  if (authorization && /^basic\s/i.test(authorization)) {
    if (postSecret) throw new OAuthError("invalid_request", "Use one client authentication method, not both.");
    // Strict base64 (RFC 7617): Node's decoder skips what is not base64 and stops at padding,
    // so two Authorization headers joined into one ("Basic a=, Basic b") would authenticate as
    // the first. Anything but one base64 value is malformed.
    const encoded = authorization.slice(6).trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new OAuthError("invalid_client", "Malformed Basic credentials.", 401, true);
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) throw new OAuthError("invalid_client", "Malformed Basic credentials.", 401, true);
    try {
      const clientId = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, " "));
      const clientSecret = decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, " "));
      if (postId && postId !== clientId) throw new OAuthError("invalid_request", "client_id differs from the Basic credentials.");
      return { clientId, clientSecret, method: "client_secret_basic" };
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      throw new OAuthError("invalid_client", "Malformed Basic credentials.", 401, true);
    }
  }
  if (!postId || !postSecret) {
    throw new OAuthError("invalid_client", "Client authentication is required: HTTP Basic, or client_id and client_secret in the body.");
  }
  return { clientId: postId, clientSecret: postSecret, method: "client_secret_post" };
}

const CLIENT_COLUMNS = `"id", "orgId", "environment", "name", "clientId", "secretHash", "previousSecretHash",
  ("previousSecretUntil" AT TIME ZONE 'UTC') AS "previousSecretUntil", "olderSecrets", "scopes", "tokenLifetimeSeconds",
  ("expiresAt" AT TIME ZONE 'UTC') AS "expiresAt", "status", ("lastUsedAt" AT TIME ZONE 'UTC') AS "lastUsedAt",
  "tokensPerHour", "tokensPerDay", ("lockedUntil" AT TIME ZONE 'UTC') AS "lockedUntil", "keysOnly"`;

const selectClients = prepared<OAuthClient>(
  "gatehouse_select_clients",
  `SELECT ${CLIENT_COLUMNS} FROM "Credential" WHERE "clientId" = ANY($1::text[])`,
);

// Concurrent exchanges share one lookup (each still reads the row as it was after its request began).
const loadClient = processLoader<string, OAuthClient>("oauth.loadClient", async (clientIds) => {
  const rows = await selectClients([clientIds]);
  return new Map(rows.map((r) => [r.clientId, r]));
});

export type Authenticated = { client: OAuthClient; via: ClientProof };

/**
 * Finds the credential and checks the secret (current, or previous during a grace period), or
 * the signed assertion (private_key_jwt, whose `aud` must be one of `audiences()`); answers the
 * client and what authenticated it. A credential set to keys only (keysOnly) refuses secrets.
 * `ip`: the client's address, for the wrong-secret lockout (lockout.ts).
 */
export async function authenticateClient(auth: ClientAuth, ip: string | null = null, audiences?: () => string[]): Promise<Authenticated> {
  const basic = auth.method === "client_secret_basic";
  const fail = (d = "Client authentication failed.") => new OAuthError("invalid_client", d, 401, basic);
  // The checksum rejects a garbled client ID without touching the database.
  if (parseSecret(auth.clientId)?.kind !== "clientId") throw fail();
  let c = recallClient(auth.clientId);
  if (!c) {
    const epoch = tokenEpoch();
    c = await loadClient(auth.clientId);
    if (!c) throw fail();
    rememberClient(auth.clientId, c, epoch);
  }
  const now = new Date();
  if (auth.method === "private_key_jwt") {
    const keyId = await authenticateAssertion(c, auth.assertion, audiences?.() ?? [], ip, now);
    return { client: c, via: { method: auth.method, tag: keyTag(keyId) } };
  }
  // Keys only: no secret authenticates (nor counts as a wrong one: it cannot work whatever it is).
  // A revoked or expired credential says so first: no way in is left to point the client to.
  if (c.keysOnly) {
    if (c.status !== "active") throw fail("This credential has been revoked.");
    if (c.expiresAt && c.expiresAt <= now) throw fail("This credential has expired.");
    throw fail("This credential accepts only private_key_jwt (a signed client assertion); its secrets are turned off.");
  }
  const h = sha256(auth.clientSecret);
  const ok =
    parseSecret(auth.clientSecret)?.kind === "clientSecret" &&
    (digestEquals(h, c.secretHash) ||
    (!!c.previousSecretHash && !!c.previousSecretUntil && c.previousSecretUntil > now && digestEquals(h, c.previousSecretHash)) ||
    liveGraceSecrets(c.olderSecrets, now).some((s) => digestEquals(h, s.value)));
  if (!ok) {
    const held = await wrongSecret(c, ip, now);
    throw held ? lockedOut(held) : fail();
  }
  // Locked out (repeated wrong secrets): the right secret still works from a known address.
  if (c.lockedUntil && c.lockedUntil > now) {
    const held = await lockedOutFrom(c, ip, now);
    if (held) throw lockedOut(held);
  }
  if (c.status !== "active") throw fail("This credential has been revoked.");
  if (c.expiresAt && c.expiresAt <= now) throw fail("This credential has expired.");
  return { client: c, via: { method: auth.method, tag: secretTag(h) } };
}

/**
 * private_key_jwt: the signature, claims and jti (client-assertion.ts), then the same checks as a
 * secret's. Answers the id of the key that signed: its kid, or its thumbprint (client-assertion.ts).
 */
async function authenticateAssertion(c: OAuthClient, assertion: string, audiences: string[], ip: string | null, now: Date): Promise<string> {
  if (c.status !== "active") throw new OAuthError("invalid_client", "This credential has been revoked.", 401);
  if (c.expiresAt && c.expiresAt <= now) throw new OAuthError("invalid_client", "This credential has expired.", 401);
  if (c.lockedUntil && c.lockedUntil > now) {
    const held = await lockedOutFrom(c, ip, now);
    if (held) throw lockedOut(held);
  }
  try {
    return await verifyClientAssertion({ credentialId: c.id, clientId: c.clientId, assertion, audiences, now });
  } catch (err) {
    if (err instanceof AssertionRejected) throw new OAuthError("invalid_client", err.message, 401);
    throw err;
  }
}

function lockedOut(l: LockedOut): OAuthError {
  const err = new OAuthError("rate_limited", lockedOutDescription(l), 429);
  err.retryAfterSeconds = l.retryAfterSeconds;
  return err;
}

export type TokenResponse = { access_token: string; token_type: "Bearer"; expires_in: number; scope: string };

const LAST_USED_RESOLUTION_MS = 60_000; // lastUsedAt is right to the minute, not written per request

/** Sets lastUsedAt when it is more than a minute old; never blocks or fails the request. */
export function touchCredential(id: string, lastUsedAt: Date | null, now: Date): void {
  if (lastUsedAt && now.getTime() - lastUsedAt.getTime() <= LAST_USED_RESOLUTION_MS) return;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  void sql(
    `UPDATE "Credential" SET "lastUsedAt" = $2::timestamp WHERE "id" = $1 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < $3::timestamp)`,
    [id, now.toISOString(), stale],
  ).catch(() => {});
}

/** The token's lastUsedAt, likewise. */
export function touchToken(id: string, lastUsedAt: Date | null, now: Date): void {
  if (lastUsedAt && now.getTime() - lastUsedAt.getTime() <= LAST_USED_RESOLUTION_MS) return;
  void sql(`UPDATE "AccessToken" SET "lastUsedAt" = $2::timestamp WHERE "id" = $1`, [id, now.toISOString()]).catch(() => {});
}

/**
 * RFC 6749 §4.4: issues an access token for the authenticated client, within its issuance quota
 * (`quota`, default on: 429 rate_limited with Retry-After past it; taken in slices shared through
 * PostgreSQL: quota-lease.ts), recording what authenticated the exchange and from where (`use`;
 * exchange-records.ts). The token is sealed (signed-token.ts): valid without a row, so its row is
 * written behind the answer.
 */
export async function issueToken(
  c: OAuthClient,
  form: URLSearchParams,
  opts: { quota?: boolean; use?: { tag: string; ip: string | null } | null } = {},
): Promise<TokenResponse> {
  const grant = form.get("grant_type");
  if (!grant) throw new OAuthError("invalid_request", "grant_type is required.");
  if (grant !== "client_credentials") {
    throw new OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported.");
  }
  const requested = form.get("scope");
  let scopes = c.scopes;
  if (requested !== null) {
    const asked = [...new Set(requested.split(" ").filter(Boolean))];
    if (!asked.length) throw new OAuthError("invalid_scope", "scope is empty.");
    const extra = asked.filter((s) => !c.scopes.includes(s));
    if (extra.length) throw new OAuthError("invalid_scope", `This credential does not have: ${extra.join(" ")}.`);
    scopes = asked;
  }
  let lifetime = c.tokenLifetimeSeconds;
  const now = Date.now();
  // Whole seconds, as the token carries them; a token never outlives its credential.
  const issuedAt = now - (now % 1000);
  if (c.expiresAt) lifetime = Math.min(lifetime, Math.max(1, Math.floor((c.expiresAt.getTime() - issuedAt) / 1000)));
  if (opts.quota ?? true) {
    const q = await takeQuota(c, now);
    if (!q.ok) throw Object.assign(new OAuthError("rate_limited", quotaExceeded(q), 429), { retryAfterSeconds: q.retryAfterSeconds });
  }
  const expiresAt = new Date(issuedAt + lifetime * 1000);
  const { token, id } = mintAccessToken({ credentialId: c.id, environment: c.environment, scopes, issuedAt: new Date(issuedAt), expiresAt });
  await recordExchange({ id, credentialId: c.id, tokenHash: sha256(token), scopes, expiresAt, createdAt: new Date(now), use: opts.use ?? null });
  if (!c.lastUsedAt || now - c.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    touchCredential(c.id, c.lastUsedAt, new Date(now));
    c.lastUsedAt = new Date(now); // a remembered row would otherwise ask again on every exchange
  }
  return { access_token: token, token_type: "Bearer", expires_in: lifetime, scope: scopes.join(" ") };
}

type TokenRow = Omit<FoundToken, "credential"> & {
  cId: string;
  cOrgId: string;
  cEnvironment: Credential["environment"];
  cName: string;
  cClientId: string;
  cStatus: Credential["status"];
  cExpiresAt: Date | null;
  cLastUsedAt: Date | null;
};

const selectToken = prepared<TokenRow>(
  "gatehouse_find_token",
  `SELECT t."id", t."credentialId", t."scopes", (t."expiresAt" AT TIME ZONE 'UTC') AS "expiresAt",
            (t."revokedAt" AT TIME ZONE 'UTC') AS "revokedAt", (t."lastUsedAt" AT TIME ZONE 'UTC') AS "lastUsedAt",
            (t."createdAt" AT TIME ZONE 'UTC') AS "createdAt",
            c."id" AS "cId", c."orgId" AS "cOrgId", c."environment" AS "cEnvironment", c."name" AS "cName",
            c."clientId" AS "cClientId", c."status" AS "cStatus", (c."expiresAt" AT TIME ZONE 'UTC') AS "cExpiresAt",
            (c."lastUsedAt" AT TIME ZONE 'UTC') AS "cLastUsedAt"
       FROM "AccessToken" t JOIN "Credential" c ON c."id" = t."credentialId"
      WHERE t."tokenHash" = $1`,
);

// A sealed token's credential, and its row if one was written (the row may not exist yet, or ever:
// what it can add is a revocation). No credential row: deleted, and its tokens with it.
const selectSealed = prepared<Omit<TokenRow, "id" | "credentialId" | "scopes" | "expiresAt" | "createdAt">>(
  "gatehouse_find_sealed_token",
  `SELECT (t."revokedAt" AT TIME ZONE 'UTC') AS "revokedAt", (t."lastUsedAt" AT TIME ZONE 'UTC') AS "lastUsedAt",
            c."id" AS "cId", c."orgId" AS "cOrgId", c."environment" AS "cEnvironment", c."name" AS "cName",
            c."clientId" AS "cClientId", c."status" AS "cStatus", (c."expiresAt" AT TIME ZONE 'UTC') AS "cExpiresAt",
            (c."lastUsedAt" AT TIME ZONE 'UTC') AS "cLastUsedAt"
       FROM "Credential" c LEFT JOIN "AccessToken" t ON t."id" = $2 AND t."credentialId" = c."id"
      WHERE c."id" = $1`,
);

/**
 * The token with what decides whether it is active (tokenIsActive), or null when it is not one
 * of ours: a sealed token (signed-token.ts) whose seal holds and whose credential exists, or a
 * stored one (the opaque format of earlier versions, found by its SHA-256).
 */
async function findToken(token: string): Promise<FoundToken | null> {
  const claims = readAccessToken(token);
  if (claims) {
    const [r] = await selectSealed([claims.credentialId, claims.id]);
    if (!r || r.cEnvironment !== claims.environment) return null;
    return {
      id: claims.id,
      credentialId: claims.credentialId,
      scopes: claims.scopes,
      expiresAt: claims.expiresAt,
      revokedAt: r.revokedAt,
      lastUsedAt: r.lastUsedAt,
      createdAt: claims.issuedAt,
      sealed: true,
      credential: credentialOf(r),
    };
  }
  if (parseSecret(token)?.kind !== "accessToken") return null;
  const [r] = await selectToken([sha256(token)]);
  if (!r) return null;
  return {
    id: r.id,
    credentialId: r.credentialId,
    scopes: r.scopes,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    lastUsedAt: r.lastUsedAt,
    createdAt: r.createdAt,
    credential: credentialOf(r),
  };
}

function credentialOf(r: Pick<TokenRow, "cId" | "cOrgId" | "cEnvironment" | "cName" | "cClientId" | "cStatus" | "cExpiresAt" | "cLastUsedAt">): FoundToken["credential"] {
  return {
    id: r.cId,
    orgId: r.cOrgId,
    environment: r.cEnvironment,
    name: r.cName,
    clientId: r.cClientId,
    status: r.cStatus,
    expiresAt: r.cExpiresAt,
    lastUsedAt: r.cLastUsedAt,
  };
}

export function tokenIsActive(
  t: { revokedAt: Date | null; expiresAt: Date; credential: Pick<Credential, "status" | "expiresAt"> },
  now = new Date(),
) {
  return (
    !t.revokedAt &&
    t.expiresAt > now &&
    t.credential.status === "active" &&
    (!t.credential.expiresAt || t.credential.expiresAt > now)
  );
}

/** RFC 7662: any client of the same organization and environment may introspect. */
export async function introspect(caller: OAuthClient, form: URLSearchParams, issuer: string) {
  const token = form.get("token");
  if (!token) throw new OAuthError("invalid_request", "token is required.");
  const t = await findToken(token);
  if (!t || !tokenIsActive(t) || t.credential.orgId !== caller.orgId || t.credential.environment !== caller.environment) {
    return { active: false };
  }
  return {
    active: true,
    scope: t.scopes.join(" "),
    client_id: t.credential.clientId,
    token_type: "Bearer",
    exp: Math.floor(t.expiresAt.getTime() / 1000),
    iat: Math.floor(t.createdAt.getTime() / 1000),
    sub: t.credential.clientId,
    iss: issuer,
    environment: t.credential.environment,
  };
}

/** RFC 7009: revokes a token of this client; unknown tokens are not an error. */
export async function revokeToken(caller: OAuthClient, form: URLSearchParams): Promise<void> {
  const token = form.get("token");
  if (!token) throw new OAuthError("invalid_request", "token is required.");
  const hint = form.get("token_type_hint");
  if (hint && hint !== "access_token" && hint !== "refresh_token") {
    throw new OAuthError("unsupported_token_type", "Only access tokens exist here.");
  }
  const t = await findToken(token);
  if (!t) return;
  if (t.credentialId !== caller.id) throw new OAuthError("unauthorized_client", "This token was issued to another client.");
  if (!t.revokedAt) {
    if (t.sealed) {
      // Its row may not be written yet (exchange-records.ts writes it behind the answer, and skips
      // it once this one exists): the revocation writes it.
      await sql(
        `INSERT INTO "AccessToken" ("id", "credentialId", "tokenHash", "scopes", "expiresAt", "createdAt", "revokedAt")
         VALUES ($1, $2, $3, $4::text[], $5::timestamp, $6::timestamp, $7::timestamp)
         ON CONFLICT ("id") DO UPDATE SET "revokedAt" = COALESCE("AccessToken"."revokedAt", EXCLUDED."revokedAt")`,
        [t.id, t.credentialId, sha256(token), t.scopes, t.expiresAt.toISOString(), t.createdAt.toISOString(), new Date().toISOString()],
      );
    } else {
      await db.accessToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    }
  }
  await forgetTokensEverywhere();
}

export { findToken };
