// What the README tells openid-client / oauth4webapi users: Gatehouse is an OAuth 2.0
// authorization server (RFC 8414 metadata), not an OpenID Provider, so discovery must use
// `algorithm: "oauth2"`; the OIDC default looks for /.well-known/openid-configuration and fails.
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
const insecure = { [oauth.allowInsecureRequests]: true }; // plain http on loopback only

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
});
afterAll(() => server.close());

describe("discovery", () => {
  it('with algorithm "oauth2" finds the token endpoint', async () => {
    const issuer = new URL(server.origin);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }));
    expect(as.issuer).toBe(server.origin);
    expect(as.token_endpoint).toBe(`${server.origin}/oauth/token`);
    expect(as.grant_types_supported).toEqual(["client_credentials"]);
  });

  it("the OpenID Connect default gets a 404: there is no openid-configuration to find", async () => {
    const issuer = new URL(server.origin);
    const res = await oauth.discoveryRequest(issuer, insecure);
    expect(new URL(res.url).pathname).toBe("/.well-known/openid-configuration");
    expect(res.status).toBe(404);
    await expect(oauth.processDiscoveryResponse(issuer, res)).rejects.toThrow();
  });
});
