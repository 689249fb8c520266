// Private key JWT client authentication (RFC 7523) over real HTTP: a standard client library
// (oauth4webapi's PrivateKeyJwt, not ours) gets tokens with a key registered through the API
// (a JWKS, or a JWKS URL served on loopback), and every attack on the assertion is refused:
// replay (also two concurrent uses of one jti: exactly one 200), expiry, a too-long lifetime,
// the wrong audience, another key, another client's identity, a symmetric algorithm.
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as introspectRoute from "@/app/oauth/introspect/route";
import * as metadata from "@/app/.well-known/oauth-authorization-server/route";
import * as keysRoute from "@/app/api/v1/credentials/[id]/client-keys/route";
import * as detailRoute from "@/app/api/v1/credentials/[id]/route";
import { createCredential, revokeCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { setAllowPrivateUrlsForTests } from "@/lib/webhooks/url-policy";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const insecure = { [oauth.allowInsecureRequests]: true }; // plain http on loopback only
let server: Awaited<ReturnType<typeof serveRoutes>>;
let jwksServer: http.Server;
let jwksServed: { keys: JWK[] } = { keys: [] };
let jwksHits = 0;
let as: oauth.AuthorizationServer;
let orgId: string;
let headers: Record<string, string>;
let key: { privateKey: CryptoKey; publicJwk: JWK };

async function newKey(alg: "ES256" | "RS256" | "EdDSA", kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : undefined);
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

async function newClient(name: string) {
  const { credential } = await createCredential({
    orgId, environment: "test", name, scopes: ["events:read"], expiresAt: null, tokenLifetimeSeconds: 600, createdById: null, ctx,
  });
  return credential;
}

/** POST /api/v1/credentials/{id}/client-keys as the org's owner. */
async function registerKeys(id: string, body: unknown) {
  const r = await fetch(`${server.origin}/api/v1/credentials/${id}/client-keys`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

/** The token endpoint with a hand-made assertion (the attacks the library would never sign). */
async function exchangeWith(assertion: string, clientId?: string) {
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      ...(clientId ? { client_id: clientId } : {}),
    }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

function assertion(clientId: string, opts: { aud?: string; exp?: number; iat?: number; jti?: string; sub?: string; alg?: string } = {}, signer = key.privateKey, kid = "k1") {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: opts.jti ?? crypto.randomUUID() })
    .setProtectedHeader({ alg: opts.alg ?? "ES256", kid })
    .setIssuer(clientId)
    .setSubject(opts.sub ?? clientId)
    .setAudience(opts.aud ?? server.origin)
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 60)
    .sign(signer);
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/oauth/introspect": introspectRoute,
    "/.well-known/oauth-authorization-server": metadata,
    "/api/v1/credentials/[id]/client-keys": inRequestScope(keysRoute),
    "/api/v1/credentials/[id]": inRequestScope(detailRoute),
  });
  jwksServer = http.createServer((_req, res) => {
    jwksHits++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwksServed));
  });
  await new Promise<void>((r) => jwksServer.listen(0, "127.0.0.1", r));
  orgId = (await db.organization.create({ data: { name: "PKJWT" } })).id;
  const user = await db.user.create({ data: { email: "owner@pkjwt.example" } });
  await db.membership.create({ data: { orgId, userId: user.id, role: "owner" } });
  headers = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "x-gatehouse-environment": "test" };
  key = await newKey("ES256", "k1");
  const issuer = new URL(server.origin);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }));
});
afterAll(async () => {
  setAllowPrivateUrlsForTests(undefined);
  await new Promise((r) => jwksServer.close(r));
  await server.close();
});

describe("private_key_jwt", () => {
  it("is advertised in the RFC 8414 metadata", () => {
    expect(as.token_endpoint_auth_methods_supported).toContain("private_key_jwt");
    expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(["ES256", "RS256", "EdDSA"]));
  });

  it("gets a token through oauth4webapi's PrivateKeyJwt with a JWK registered through the API; the assertion replayed is refused", async () => {
    const cred = await newClient("pkjwt");
    const reg = await registerKeys(cred.id, { jwks: { keys: [key.publicJwk] } });
    expect(reg.status).toBe(200);
    expect(reg.body.client_keys).toEqual({ jwks_url: null, keys: [{ kid: "k1", kty: "EC", alg: "ES256", crv: "P-256" }], fetched_at: null });
    const audit = await db.auditEvent.findFirst({ where: { orgId, action: "credential.client_keys_set", targetId: cred.id } });
    expect(audit).not.toBeNull();

    const client = { client_id: cred.clientId };
    let sent: URLSearchParams | undefined;
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: key.privateKey, kid: "k1" }), new URLSearchParams(), {
      ...insecure,
      // Keep the exact request, to send it again.
      [oauth.customFetch]: (url: string, init: RequestInit) => {
        sent = new URLSearchParams(init.body as string);
        return fetch(url, init);
      },
    });
    const result = await oauth.processClientCredentialsResponse(as, client, res);
    expect(result.scope).toBe("events:read");
    expect(sent?.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

    const replay = await exchangeWith(sent!.get("client_assertion")!, cred.clientId);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: "invalid_client", error_description: expect.stringContaining("used before") });

    // The same key also authenticates introspection (aud: the issuer).
    const intro = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, oauth.PrivateKeyJwt({ key: key.privateKey, kid: "k1" }), result.access_token, insecure),
    );
    expect(intro.active).toBe(true);
  });

  it("gives exactly one 200 to two concurrent uses of one jti", async () => {
    const cred = await newClient("race");
    expect((await registerKeys(cred.id, { jwks: key.publicJwk })).status).toBe(200);
    const jwt = await assertion(cred.clientId);
    const answers = await Promise.all([exchangeWith(jwt), exchangeWith(jwt), exchangeWith(jwt)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401]);
    expect(await db.clientAssertionJti.count({ where: { credentialId: cred.id } })).toBe(1);
  });

  it("refuses an expired assertion, a too-long one, a wrong audience, another key, another client, HS256", async () => {
    const cred = await newClient("attacks");
    expect((await registerKeys(cred.id, { jwks: { keys: [key.publicJwk] } })).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const refused = async (jwt: string, why: string | RegExp, clientId?: string) => {
      const r = await exchangeWith(jwt, clientId);
      expect(r.status).toBe(401);
      expect(r.body.error).toBe("invalid_client");
      expect(r.body.error_description).toMatch(why);
    };
    // Expired, through the library itself (its assertion with exp moved into the past).
    const client = { client_id: cred.clientId };
    const expired = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt({ key: key.privateKey, kid: "k1" }, { [oauth.modifyAssertion]: (_h, p) => { p.iat = now - 600; p.nbf = now - 600; p.exp = now - 300; } }),
      new URLSearchParams(),
      insecure,
    );
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: "invalid_client", error_description: expect.stringContaining("expired") });

    await refused(await assertion(cred.clientId, { exp: now + 3600 }), /longer than 300 seconds/);
    await refused(await assertion(cred.clientId, { aud: "https://other.example.com/oauth/token" }), /aud/);
    const other = await newKey("ES256", "k1"); // same kid, another key
    await refused(await assertion(cred.clientId, {}, other.privateKey), /signature/);
    const victim = await newClient("victim"); // no keys: an assertion naming it gets nothing
    await refused(await assertion(victim.clientId), /no registered public key/);
    await refused(await assertion(cred.clientId, { sub: victim.clientId }), /.+/, cred.clientId);
    const hs = await new SignJWT({ jti: "x" })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuer(cred.clientId).setSubject(cred.clientId).setAudience(server.origin).setIssuedAt().setExpirationTime("1m")
      .sign(new TextEncoder().encode("a".repeat(32)));
    await refused(hs, /.+/);
    // None of the refusals burned a jti: only accepted assertions are recorded.
    expect(await db.clientAssertionJti.count({ where: { credentialId: cred.id } })).toBe(0);
    // And after all that, a good assertion still works.
    expect((await exchangeWith(await assertion(cred.clientId))).status).toBe(200);
  });

  it("fetches a JWKS URL under the URL policy, keeps the copy, and refetches for a rotated key", async () => {
    const cred = await newClient("by-url");
    const url = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    // Loopback is a private address: refused unless private URLs are allowed (development).
    setAllowPrivateUrlsForTests(false);
    const blocked = await registerKeys(cred.id, { jwks_url: url });
    expect(blocked.status).toBe(422);
    expect(blocked.body.errors[0].field).toBe("jwks_url");
    setAllowPrivateUrlsForTests(true);
    jwksServed = { keys: [key.publicJwk] };
    const reg = await registerKeys(cred.id, { jwks_url: url });
    expect(reg.status).toBe(200);
    expect(reg.body.client_keys).toMatchObject({ jwks_url: url, keys: [{ kid: "k1" }] });
    const hits = jwksHits;
    expect((await exchangeWith(await assertion(cred.clientId))).status).toBe(200);
    expect((await exchangeWith(await assertion(cred.clientId))).status).toBe(200);
    expect(jwksHits).toBe(hits); // served from the stored copy
    // The client rotates to a new key (new kid): the copy is old enough (30 s) to be fetched again.
    const rotated = await newKey("EdDSA", "k2");
    jwksServed = { keys: [rotated.publicJwk] };
    await db.credential.update({ where: { id: cred.id }, data: { jwksFetchedAt: new Date(Date.now() - 60_000) } });
    expect((await exchangeWith(await assertion(cred.clientId, { alg: "EdDSA" }, rotated.privateKey, "k2"))).status).toBe(200);
    expect(jwksHits).toBe(hits + 1);
  });

  it("refuses private keys, symmetric keys and weak RSA keys at registration", async () => {
    const cred = await newClient("bad-keys");
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const priv = await registerKeys(cred.id, { jwks: { keys: [await exportJWK(privateKey)] } });
    expect(priv.status).toBe(422);
    expect(priv.body.errors[0]).toMatchObject({ field: "jwks", message: expect.stringContaining("private key") });
    expect((await registerKeys(cred.id, { jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } })).status).toBe(422);
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
    const weakAnswer = await registerKeys(cred.id, { jwks: { keys: [weak] } });
    expect(weakAnswer.status).toBe(422);
    expect(weakAnswer.body.errors[0].message).toMatch(/2048 bits/);
    expect((await registerKeys(cred.id, { jwks: { keys: [key.publicJwk] }, jwks_url: "https://example.com/jwks" })).status).toBe(422);
  });

  it("records which key authenticated each exchange (its kid, or its thumbprint), beside the secrets, on the credential's page", async () => {
    const { credential: cred, secret } = await createCredential({
      orgId, environment: "test", name: "which-key", scopes: ["events:read"], expiresAt: null, tokenLifetimeSeconds: 600, createdById: null, ctx,
    });
    const noKid = await newKey("EdDSA", "unused");
    const { kid: _drop, ...noKidJwk } = noKid.publicJwk;
    expect((await registerKeys(cred.id, { jwks: { keys: [key.publicJwk, noKidJwk] } })).status).toBe(200);
    const client = { client_id: cred.clientId };
    for (let i = 0; i < 2; i++) {
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: key.privateKey, kid: "k1" }), new URLSearchParams(), insecure);
      expect(res.status).toBe(200);
    }
    // A header without kid: the key is named by its RFC 7638 thumbprint.
    const unnamed = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(cred.clientId).setSubject(cred.clientId).setAudience(server.origin).setIssuedAt().setExpirationTime("1m")
      .sign(noKid.privateKey);
    expect((await exchangeWith(unnamed)).status).toBe(200);
    const bySecret = await fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: cred.clientId, client_secret: secret }),
    });
    expect(bySecret.status).toBe(200);
    const thumbprint = await calculateJwkThumbprint(noKidJwk);
    type Use = { secret: string; method: string; key_id: string | null; exchanges_last_hour: number; last_used_from: string | null };
    let usage: Use[] = [];
    const deadline = Date.now() + 5_000; // recording is not waited for by the exchange
    while (Date.now() < deadline) {
      const r = await fetch(`${server.origin}/api/v1/credentials/${cred.id}`, { headers });
      expect(r.status).toBe(200);
      usage = (await r.json()).secret_usage;
      if (usage.reduce((n, u) => n + u.exchanges_last_hour, 0) === 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(usage).toEqual([
      expect.objectContaining({ secret: "current", method: "client_secret", key_id: null, exchanges_last_hour: 1, last_used_from: "127.0.0.1" }),
      expect.objectContaining({ secret: "key", method: "private_key_jwt", key_id: "k1", exchanges_last_hour: 2, last_used_from: "127.0.0.1" }),
      expect.objectContaining({ secret: "key", method: "private_key_jwt", key_id: thumbprint, exchanges_last_hour: 1 }),
    ]);
  });

  it("keys only: once a key is registered an admin turns secrets off (audited); basic and post are then refused, the key still works", async () => {
    const { credential: cred, secret } = await createCredential({
      orgId, environment: "test", name: "keys-only", scopes: ["events:read"], expiresAt: null, tokenLifetimeSeconds: 600, createdById: null, ctx,
    });
    const patch = async (body: unknown) => {
      const r = await fetch(`${server.origin}/api/v1/credentials/${cred.id}`, { method: "PATCH", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const post = () =>
      fetch(`${server.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: cred.clientId, client_secret: secret }),
      });
    const basic = () =>
      fetch(`${server.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${cred.clientId}:${secret}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "client_credentials" }),
      });
    // Without a key it would lock every client out: refused, naming the field.
    const early = await patch({ keys_only: true });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].field).toBe("keys_only");
    expect((await post()).status).toBe(200); // the client row is now cached in this process
    expect((await registerKeys(cred.id, { jwks: { keys: [key.publicJwk] } })).status).toBe(200);
    const on = await patch({ keys_only: true });
    expect(on.status).toBe(200);
    expect(on.body.keys_only).toBe(true);
    for (const res of [await post(), await basic()]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: "invalid_client", error_description: expect.stringContaining("private_key_jwt") });
    }
    expect((await basic()).headers.get("www-authenticate")).toMatch(/^Basic/);
    // Refused secrets are not wrong secrets: no lockout builds up.
    expect((await db.credential.findUniqueOrThrow({ where: { id: cred.id } })).failedExchanges).toBe(0);
    expect((await exchangeWith(await assertion(cred.clientId))).status).toBe(200);
    // Removing the only way in is refused while secrets are off.
    const del = await fetch(`${server.origin}/api/v1/credentials/${cred.id}/client-keys`, { method: "DELETE", headers });
    expect(del.status).toBe(409);
    const off = await patch({ keys_only: false });
    expect(off.body.keys_only).toBe(false);
    expect((await post()).status).toBe(200);
    const actions = (await db.auditEvent.findMany({ where: { targetId: cred.id, action: { startsWith: "credential.secrets_" } }, orderBy: { seq: "asc" } })).map((a) => [a.action, a.after]);
    expect(actions).toEqual([
      ["credential.secrets_disabled", { keys_only: true }],
      ["credential.secrets_enabled", { keys_only: false }],
    ]);
    const detail = await (await fetch(`${server.origin}/api/v1/credentials/${cred.id}`, { headers })).json();
    expect(detail.keys_only).toBe(false);
  });

  it("keys only, then revoked: a secret exchange is told the credential is revoked, not to use a key", async () => {
    const { credential: cred, secret } = await createCredential({
      orgId, environment: "test", name: "keys-only-revoked", scopes: ["events:read"], expiresAt: null, tokenLifetimeSeconds: 600, createdById: null, ctx,
    });
    expect((await registerKeys(cred.id, { jwks: { keys: [key.publicJwk] } })).status).toBe(200);
    const on = await fetch(`${server.origin}/api/v1/credentials/${cred.id}`, { method: "PATCH", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ keys_only: true }) });
    expect(on.status).toBe(200);
    await revokeCredential({ orgId, environment: "test", id: cred.id, ctx });
    const res = await fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: cred.clientId, client_secret: secret }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_client", error_description: "This credential has been revoked." });
    // The key is refused the same way.
    const byKey = await exchangeWith(await assertion(cred.clientId));
    expect(byKey.status).toBe(401);
    expect(byKey.body.error_description).toBe("This credential has been revoked.");
  });
});
