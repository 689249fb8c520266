// Sealed access tokens (signed-token.ts) under attack, over real HTTP on a real database: a token
// altered anywhere, sealed under another key, expired, of a deleted credential, of the other
// environment, revoked before its row was written; and a token of the earlier stored format.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as introspectRoute from "@/app/oauth/introspect/route";
import * as revokeRoute from "@/app/oauth/revoke/route";
import * as members from "@/app/api/v1/members/route";
import { flushExchangeRecords } from "@/lib/credentials/exchange-records";
import { sha256 } from "@/lib/credentials/hash";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { generateSecret } from "@/lib/credentials/secret-format";
import { mintAccessToken, readAccessToken } from "@/lib/credentials/signed-token";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/oauth/introspect": introspectRoute, "/oauth/revoke": revokeRoute, "/api/v1/members": members });
  orgId = (await db.organization.create({ data: { name: "Sealed" } })).id;
});
afterAll(() => server.close());

async function client(scopes = ["members:read"], environment: "test" | "live" = "test") {
  return createCredential({ orgId, environment, name: "svc", scopes, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx });
}

const basic = (id: string, secret: string) => "Basic " + Buffer.from(`${id}:${secret}`).toString("base64");
const form = { "content-type": "application/x-www-form-urlencoded" };

async function exchange(clientId: string, secret: string): Promise<string> {
  const r = await fetch(`${server.origin}/oauth/token`, { method: "POST", headers: form, body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

const call = async (t: string) => (await fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${t}` } })).status;

async function introspect(c: { clientId: string; secret: string }, t: string) {
  const r = await fetch(`${server.origin}/oauth/introspect`, { method: "POST", headers: { ...form, authorization: basic(c.clientId, c.secret) }, body: new URLSearchParams({ token: t }) });
  return (await r.json()) as { active: boolean; scope?: string };
}

/** The token's body and seal, and a way to put a token back together from them. */
function parts(t: string) {
  const prefix = t.slice(0, t.indexOf("_", 4) + 1);
  const raw = Buffer.from(t.slice(prefix.length), "base64url");
  return { prefix, body: raw.subarray(0, raw.length - 32), seal: raw.subarray(raw.length - 32), join: (body: Buffer, seal: Buffer) => prefix + Buffer.concat([body, seal]).toString("base64url") };
}

describe("sealed access tokens", () => {
  it("an exchanged token carries its claims, works at once, and introspects as issued", async () => {
    const { credential, secret } = await client(["members:read"]);
    const t = await exchange(credential.clientId, secret);
    expect(t).toMatch(/^gat_test_[A-Za-z0-9_-]+$/);
    const claims = readAccessToken(t)!;
    expect(claims).toMatchObject({ credentialId: credential.id, environment: "test", scopes: ["members:read"] });
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(3600_000);
    expect(await call(t)).toBe(200);
    expect(await introspect({ clientId: credential.clientId, secret }, t)).toMatchObject({ active: true, scope: "members:read", client_id: credential.clientId });
    // Its row follows (the credential page counts it), keyed by the token's id, holding its hash only.
    await flushExchangeRecords();
    const row = await db.accessToken.findUniqueOrThrow({ where: { id: claims.id } });
    expect(row).toMatchObject({ credentialId: credential.id, tokenHash: sha256(t), scopes: ["members:read"], revokedAt: null });
  });

  it("refuses a token altered in any byte of its body or seal, with wider scopes or a later expiry, or sealed under another key", async () => {
    const { credential, secret } = await client(["members:read"]);
    const t = await exchange(credential.clientId, secret);
    const { body, seal, join } = parts(t);
    const altered: string[] = [];
    for (let i = 0; i < body.length; i++) {
      const b = Buffer.from(body);
      b[i] ^= 0x01;
      altered.push(join(b, seal));
    }
    for (let i = 0; i < seal.length; i += 5) {
      const s = Buffer.from(seal);
      s[i] ^= 0x80;
      altered.push(join(body, s));
    }
    // Wider scopes: the same body with " audit:read" appended, the original seal.
    altered.push(join(Buffer.concat([body, Buffer.from(" audit:read")]), seal));
    // A later expiry.
    const later = Buffer.from(body);
    later.writeUInt32BE(later.readUInt32BE(5) + 86_400, 5);
    altered.push(join(later, seal));
    // A well-formed token sealed under a key that is not this deployment's.
    altered.push(join(body, createHmac("sha256", randomBytes(32)).update(parts(t).prefix).update(body).digest()));
    // The seal cut short, or the token truncated.
    altered.push(join(body, seal.subarray(0, 16)), t.slice(0, -4));
    for (const a of altered) {
      expect(readAccessToken(a)).toBeNull();
      expect(await call(a), a).toBe(401);
    }
    expect((await introspect({ clientId: credential.clientId, secret }, altered[altered.length - 3]!)).active).toBe(false);
    expect(await call(t)).toBe(200); // the original still works
  });

  it("refuses an expired token, one of the other environment, and one of a deleted credential", async () => {
    const { credential, secret } = await client(["members:read"]);
    const now = Date.now();
    const expired = mintAccessToken({ credentialId: credential.id, environment: "test", scopes: ["members:read"], issuedAt: new Date(now - 7200_000), expiresAt: new Date(now - 1000) }).token;
    expect(await call(expired)).toBe(401);
    expect((await introspect({ clientId: credential.clientId, secret }, expired)).active).toBe(false);
    // Properly sealed, but naming the live environment for a test credential.
    const otherEnv = mintAccessToken({ credentialId: credential.id, environment: "live", scopes: ["members:read"], issuedAt: new Date(now), expiresAt: new Date(now + 3600_000) }).token;
    expect(await call(otherEnv)).toBe(401);

    const doomed = await client(["members:read"]);
    const t = await exchange(doomed.credential.clientId, doomed.secret);
    expect(await call(t)).toBe(200);
    await db.credential.delete({ where: { id: doomed.credential.id } });
    // The next request, though the token was remembered a moment ago (deleting is no revocation
    // call: the cache's one second bounds it), and from then on.
    for (let i = 0; i < 50 && (await call(t)) === 200; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await call(t)).toBe(401);
    expect((await introspect({ clientId: credential.clientId, secret }, t)).active).toBe(false);
    // Its row, written behind the answer, is skipped rather than failing the others' write.
    await flushExchangeRecords();
  });

  it("a token revoked at once (before its row is written) stays revoked once the row is written", async () => {
    const { credential, secret } = await client(["members:read"]);
    for (let round = 0; round < 3; round++) {
      const t = await exchange(credential.clientId, secret);
      const revoked = await fetch(`${server.origin}/oauth/revoke`, { method: "POST", headers: { ...form, authorization: basic(credential.clientId, secret) }, body: new URLSearchParams({ token: t }) });
      expect(revoked.status).toBe(200);
      expect(await call(t)).toBe(401);
      await flushExchangeRecords();
      expect(await call(t)).toBe(401);
      expect((await introspect({ clientId: credential.clientId, secret }, t)).active).toBe(false);
      const row = await db.accessToken.findUniqueOrThrow({ where: { id: readAccessToken(t)!.id } });
      expect(row.revokedAt).not.toBeNull();
    }
    // Another client cannot revoke it.
    const other = await client(["members:read"]);
    const t = await exchange(credential.clientId, secret);
    const r = await fetch(`${server.origin}/oauth/revoke`, { method: "POST", headers: { ...form, authorization: basic(other.credential.clientId, other.secret) }, body: new URLSearchParams({ token: t }) });
    expect(r.status).toBe(400);
    expect(await call(t)).toBe(200);
  });

  it("tokens of the earlier stored format keep working until they expire or are revoked", async () => {
    const { credential, secret } = await client(["members:read"]);
    const old = generateSecret("accessToken", "test");
    await db.accessToken.create({ data: { credentialId: credential.id, tokenHash: sha256(old), scopes: ["members:read"], expiresAt: new Date(Date.now() + 3600_000) } });
    expect(await call(old)).toBe(200);
    expect((await introspect({ clientId: credential.clientId, secret }, old)).active).toBe(true);
    const r = await fetch(`${server.origin}/oauth/revoke`, { method: "POST", headers: { ...form, authorization: basic(credential.clientId, secret) }, body: new URLSearchParams({ token: old }) });
    expect(r.status).toBe(200);
    expect(await call(old)).toBe(401);
  });
});
