// The token endpoint and bearer authentication, over real HTTP on loopback, on a real database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as introspectRoute from "@/app/oauth/introspect/route";
import * as revokeRoute from "@/app/oauth/revoke/route";
import * as metadata from "@/app/.well-known/oauth-authorization-server/route";
import * as members from "@/app/api/v1/members/route";
import * as organization from "@/app/api/v1/organization/route";
import { createCredential, regenerateSecret, revokeCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/oauth/introspect": introspectRoute,
    "/oauth/revoke": revokeRoute,
    "/.well-known/oauth-authorization-server": metadata,
    "/api/v1/members": members,
    "/api/v1/organization": organization,
  });
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
});
afterAll(() => server.close());

async function newCredential(scopes = ["members:read"], extra: Partial<{ expiresAt: Date; environment: "test" | "live" }> = {}) {
  return createCredential({
    orgId,
    environment: extra.environment ?? "test",
    name: "svc",
    scopes,
    expiresAt: extra.expiresAt ?? null,
    tokenLifetimeSeconds: 3600,
    createdById: null,
    ctx,
  });
}

function tokenRequest(body: Record<string, string> | string, headers: Record<string, string> = {}) {
  return fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: typeof body === "string" ? body : new URLSearchParams(body).toString(),
  });
}

const basic = (id: string, secret: string) =>
  "Basic " + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64");

describe("POST /oauth/token", () => {
  it("issues a bearer token with client_secret_post and client_secret_basic", async () => {
    const { credential, secret } = await newCredential(["members:read", "audit:read"]);
    const post = await tokenRequest({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret });
    expect(post.status).toBe(200);
    expect(post.headers.get("cache-control")).toContain("no-store");
    const body = await post.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "members:read audit:read" });
    expect(body.access_token).toMatch(/^gat_test_/);
    expect(await db.accessToken.count({ where: { tokenHash: body.access_token } })).toBe(0); // stored hashed only

    const viaBasic = await tokenRequest({ grant_type: "client_credentials", scope: "audit:read" }, {
      authorization: basic(credential.clientId, secret),
    });
    expect(viaBasic.status).toBe(200);
    expect((await viaBasic.json()).scope).toBe("audit:read");
  });

  it("answers every error as RFC 6749 §5.2 JSON", async () => {
    const { credential, secret } = await newCredential();
    const good = { grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret };
    const cases: [Response, number, string][] = [
      [await tokenRequest({ ...good, client_secret: secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a") }), 401, "invalid_client"],
      [await tokenRequest({ ...good, client_id: "gci_test_nope" }), 401, "invalid_client"],
      [await tokenRequest({ grant_type: "client_credentials" }), 401, "invalid_client"],
      [await tokenRequest({ ...good, grant_type: "password" }), 400, "unsupported_grant_type"],
      [await tokenRequest({ client_id: credential.clientId, client_secret: secret }), 400, "invalid_request"],
      [await tokenRequest({ ...good, scope: "endpoints:write" }), 400, "invalid_scope"],
      [await tokenRequest(`${new URLSearchParams(good)}&grant_type=client_credentials`), 400, "invalid_request"],
      [await tokenRequest(good, { "content-type": "application/json" }), 400, "invalid_request"],
      [await tokenRequest(good, { authorization: basic(credential.clientId, secret) }), 400, "invalid_request"],
    ];
    for (const [res, status, error] of cases) {
      expect(res.status, error).toBe(status);
      const b = await res.json();
      expect(b.error).toBe(error);
      expect(typeof b.error_description).toBe("string");
      expect(JSON.stringify(b)).not.toContain(secret);
    }
    const basicFail = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(credential.clientId, "gsk_test_wrong") });
    expect(basicFail.status).toBe(401);
    expect(basicFail.headers.get("www-authenticate")).toMatch(/^Basic /);
    const after = await db.credential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(after.failedExchanges).toBe(2); // wrong secret by post and by basic; unknown clients are not counted
  });

  it("refuses revoked and expired credentials, and sends RateLimit headers", async () => {
    const { credential, secret } = await newCredential();
    const good = { grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret };
    const ok = await tokenRequest(good);
    expect(ok.headers.get("ratelimit-limit")).toBeTruthy();
    expect(Number(ok.headers.get("ratelimit-remaining"))).toBeGreaterThan(0);
    await revokeCredential({ orgId, environment: "test", id: credential.id, ctx });
    const res = await tokenRequest(good);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe("invalid_client");

    const exp = await newCredential(["members:read"], { expiresAt: new Date(Date.now() + 1500) });
    const first = await tokenRequest({ grant_type: "client_credentials", client_id: exp.credential.clientId, client_secret: exp.secret });
    expect((await first.json()).expires_in).toBeLessThanOrEqual(2); // never outlives its credential
    await new Promise((r) => setTimeout(r, 1600));
    const late = await tokenRequest({ grant_type: "client_credentials", client_id: exp.credential.clientId, client_secret: exp.secret });
    expect(late.status).toBe(401);
  });

  it("rotates: the old secret works during the grace period only when one is chosen", async () => {
    const { credential, secret: old } = await newCredential();
    const { secret: next } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 3600, ctx });
    const form = (s: string) => ({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: s });
    expect((await tokenRequest(form(old))).status).toBe(200);
    expect((await tokenRequest(form(next))).status).toBe(200);
    // A second regeneration within seconds is refused as a repeat (double click): this one is later.
    await db.credential.update({ where: { id: credential.id }, data: { secretRegeneratedAt: new Date(Date.now() - 60_000) } });
    const { secret: third } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 0, ctx });
    expect((await tokenRequest(form(next))).status).toBe(401);
    expect((await tokenRequest(form(old))).status).toBe(401);
    expect((await tokenRequest(form(third))).status).toBe(200);
    const actions = (await db.auditEvent.findMany({ where: { targetId: credential.id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["credential.created", "credential.secret_regenerated", "credential.secret_regenerated"]);
  });
});

describe("bearer tokens on /api/v1", () => {
  async function tokenFor(scopes: string[]) {
    const { credential, secret } = await newCredential(scopes);
    const r = await tokenRequest({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret });
    return { credential, accessToken: (await r.json()).access_token as string };
  }

  it("enforces scopes with 403 insufficient_scope and authenticates with the right one", async () => {
    const { accessToken } = await tokenFor(["members:read"]);
    const ok = await fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).data).toEqual([]);

    const { accessToken: auditOnly } = await tokenFor(["audit:read"]);
    const denied = await fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${auditOnly}` } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toBe("application/problem+json");
    expect(denied.headers.get("www-authenticate")).toContain('error="insufficient_scope"');

    // Credential management and renaming the org are for the console only.
    const rename = await fetch(`${server.origin}/api/v1/organization`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Hacked" }),
    });
    expect(rename.status).toBe(403);
  });

  it("401s invalid, forged and revoked tokens; revocation is immediate", async () => {
    const { credential, accessToken } = await tokenFor(["members:read"]);
    const call = (t: string) => fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${t}` } });
    expect((await call(accessToken)).status).toBe(200);
    const forged = await call(accessToken.slice(0, -2) + "zz");
    expect(forged.status).toBe(401);
    expect(forged.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await revokeCredential({ orgId, environment: "test", id: credential.id, ctx });
    const after = await call(accessToken);
    expect(after.status).toBe(401);
    const body = await after.json();
    expect(body).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("keeps lastUsedAt on the credential", async () => {
    const { credential, accessToken } = await tokenFor(["members:read"]);
    await db.credential.update({ where: { id: credential.id }, data: { lastUsedAt: new Date(Date.now() - 3600_000) } });
    expect((await fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    // The write is off the request's path (touchCredential does not block it): wait for it, bounded.
    await vi.waitFor(
      async () => {
        const c = await db.credential.findUniqueOrThrow({ where: { id: credential.id } });
        expect(Date.now() - c.lastUsedAt!.getTime()).toBeLessThan(60_000);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe("introspection and revocation", () => {
  it("introspects within the org and environment, and revokes a client's own token", async () => {
    const a = await newCredential(["members:read"]);
    const b = await newCredential(["audit:read"]);
    const t = await (await tokenRequest({ grant_type: "client_credentials", client_id: a.credential.clientId, client_secret: a.secret })).json();
    const introspect = async (c: typeof b, tok: string) =>
      (
        await fetch(`${server.origin}/oauth/introspect`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(c.credential.clientId, c.secret) },
          body: new URLSearchParams({ token: tok }).toString(),
        })
      ).json();
    expect(await introspect(b, t.access_token)).toMatchObject({ active: true, scope: "members:read", client_id: a.credential.clientId });
    expect(await introspect(b, "gat_test_garbage")).toEqual({ active: false });

    const live = await newCredential(["members:read"], { environment: "live" });
    expect(await introspect(live, t.access_token)).toEqual({ active: false }); // other environment

    const revoke = (c: typeof a) =>
      fetch(`${server.origin}/oauth/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(c.credential.clientId, c.secret) },
        body: new URLSearchParams({ token: t.access_token }).toString(),
      });
    const call = () => fetch(`${server.origin}/api/v1/members`, { headers: { authorization: `Bearer ${t.access_token}` } });
    expect((await call()).status).toBe(200); // now remembered by the token cache
    expect((await revoke(b)).status).toBe(400); // not b's token
    expect((await call()).status).toBe(200);
    expect((await revoke(a)).status).toBe(200);
    expect(await introspect(b, t.access_token)).toEqual({ active: false });
    expect((await call()).status).toBe(401); // the very next call, cache or not
  });

  it("publishes RFC 8414 metadata", async () => {
    const m = await (await fetch(`${server.origin}/.well-known/oauth-authorization-server`)).json();
    expect(m.issuer).toBe(server.origin);
    expect(m.token_endpoint).toBe(`${server.origin}/oauth/token`);
    expect(m.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic", "client_secret_post", "private_key_jwt"]);
    expect(m.token_endpoint_auth_signing_alg_values_supported).toContain("ES256");
    expect(m.token_endpoint_auth_signing_alg_values_supported).not.toContain("HS256");
  });
});
