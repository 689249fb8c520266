// Interoperability: a standard OAuth 2.0 client library (oauth4webapi, not ours) discovers the
// server, obtains tokens with both client authentication methods and calls the API.
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as introspectRoute from "@/app/oauth/introspect/route";
import * as revokeRoute from "@/app/oauth/revoke/route";
import * as metadata from "@/app/.well-known/oauth-authorization-server/route";
import * as members from "@/app/api/v1/members/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let as: oauth.AuthorizationServer;
let client: oauth.Client;
let secret: string;
const insecure = { [oauth.allowInsecureRequests]: true }; // plain http on loopback only

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/oauth/introspect": introspectRoute,
    "/oauth/revoke": revokeRoute,
    "/.well-known/oauth-authorization-server": metadata,
    "/api/v1/members": members,
  });
  const org = await db.organization.create({ data: { name: "Interop" } });
  const created = await createCredential({
    orgId: org.id,
    environment: "live",
    name: "interop",
    scopes: ["members:read", "audit:read"],
    expiresAt: null,
    tokenLifetimeSeconds: 600,
    createdById: null,
    ctx: { actor: { type: "system", id: null, label: "test" } },
  });
  secret = created.secret;
  client = { client_id: created.credential.clientId };
  const issuer = new URL(server.origin);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }));
});
afterAll(() => server.close());

describe("oauth4webapi", () => {
  for (const [name, auth] of [
    ["client_secret_basic", () => oauth.ClientSecretBasic(secret)],
    ["client_secret_post", () => oauth.ClientSecretPost(secret)],
  ] as const) {
    it(`obtains a token with ${name} and calls the API with it`, async () => {
      const res = await oauth.clientCredentialsGrantRequest(as, client, auth(), new URLSearchParams({ scope: "members:read" }), insecure);
      const result = await oauth.processClientCredentialsResponse(as, client, res);
      expect(result.token_type).toBe("bearer"); // the library lower-cases it
      expect(result.expires_in).toBe(600);
      expect(result.scope).toBe("members:read");
      const api = await oauth.protectedResourceRequest(result.access_token, "GET", new URL(`${server.origin}/api/v1/members`), undefined, undefined, insecure);
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual({ data: [], next_cursor: null });
    });
  }

  it("introspects and revokes through the library", async () => {
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), new URLSearchParams(), insecure);
    const { access_token } = await oauth.processClientCredentialsResponse(as, client, res);
    const intro = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(secret), access_token, insecure),
    );
    expect(intro.active).toBe(true);
    expect(intro.scope).toBe("members:read audit:read");
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.ClientSecretBasic(secret), access_token, insecure));
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(secret), access_token, insecure),
    );
    expect(after.active).toBe(false);
  });

  it("surfaces invalid_client as a library error", async () => {
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost("gsk_live_wrong"), new URLSearchParams(), insecure);
    await expect(oauth.processClientCredentialsResponse(as, client, res)).rejects.toMatchObject({ error: "invalid_client" });
  });
});
