// Finding 15: Host and X-Forwarded-* moved generated URLs. The RFC 8414 metadata reflected
// `Host: evil.example` (cacheable), and `X-Forwarded-Proto: javascript` made `javascript://…`
// inbound URLs. Now: GATEHOUSE_PUBLIC_URL when set; X-Forwarded-Host/-Proto only from a trusted
// proxy; only http/https and a valid host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import * as token from "@/app/oauth/token/route";
import * as metadata from "@/app/.well-known/oauth-authorization-server/route";
import * as inboundList from "@/app/api/v1/inbound-webhooks/route";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor, newOrg } from "@/tests/security/helpers";

const routes = { "/oauth/token": token, "/.well-known/oauth-authorization-server": metadata, "/api/v1/inbound-webhooks": inboundList };
let plain: Awaited<ReturnType<typeof serveRoutes>>;
let proxied: Awaited<ReturnType<typeof serveRoutes>>;

beforeAll(async () => {
  plain = await serveRoutes(routes);
  proxied = await serveRoutes(routes, { edge: { trustedProxies: ["127.0.0.1"] } });
});
afterAll(async () => {
  await plain.close();
  await proxied.close();
});

/** A GET with any Host header (fetch would not send a forged one). */
function get(origin: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const u = new URL(origin);
    const req = request({ host: u.hostname, port: u.port, path, method: "GET", headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject).end();
  });
}

const WK = "/.well-known/oauth-authorization-server";

describe("generated URLs", () => {
  it("ignore X-Forwarded-Host/-Proto from a client that is not a trusted proxy, and are not cached", async () => {
    const host = new URL(plain.origin).host;
    const r = await get(plain.origin, WK, { host, "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).issuer).toBe(`http://${host}`);
    expect(r.headers["cache-control"]).not.toMatch(/public/);
  });

  it("refuse a Host that is not a host, and a forwarded scheme that is not http(s), with 400", async () => {
    const bad = await get(plain.origin, WK, { host: "a b" });
    expect(bad.status).toBe(400);
    expect(bad.headers["content-type"]).toBe("application/problem+json");
    const js = await get(proxied.origin, WK, { host: "gatehouse.example", "x-forwarded-proto": "javascript" });
    expect(js.status).toBe(400);
    expect(js.body).not.toContain("javascript://");
  });

  it("follow a trusted proxy's X-Forwarded-Host/-Proto", async () => {
    const r = await get(proxied.origin, WK, { host: "10.0.0.5:3000", "x-forwarded-host": "gatehouse.example", "x-forwarded-proto": "https" });
    expect(JSON.parse(r.body).token_endpoint).toBe("https://gatehouse.example/oauth/token");
  });

  it("come from GATEHOUSE_PUBLIC_URL when set, whatever Host and X-Forwarded-* say", async () => {
    // As server.ts starts the edge with GATEHOUSE_PUBLIC_URL.
    const pub = await serveRoutes(routes, { edge: { publicUrl: "https://gatehouse.example.com" } });
    try {
      const r = await get(pub.origin, WK, { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).issuer).toBe("https://gatehouse.example.com");

      // The inbound webhook URL (and its curl command) given to a client.
      const tok = await bearerFor(pub.origin, await newOrg(), ["inbound:write"]);
      const w = await fetch(`${pub.origin}/api/v1/inbound-webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" },
        body: JSON.stringify({ name: "hooks", handler: "store" }),
      });
      expect(w.status).toBe(201);
      const text = await w.text();
      expect(JSON.parse(text).url).toMatch(/^https:\/\/gatehouse\.example\.com\/in\//);
      expect(text).not.toContain("evil.example");
      expect(text).not.toContain("javascript:");
    } finally {
      await pub.close();
    }
  });
});
