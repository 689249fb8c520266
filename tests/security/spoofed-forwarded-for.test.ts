// Finding 3(a): X-Forwarded-For from any client was trusted, so a new value per request dodged
// the per-IP limits and forged the IP in audit entries and inbound messages. Now the address is
// the socket's, unless the peer is a trusted proxy (GATEHOUSE_TRUSTED_PROXIES), and then the
// nearest untrusted hop of X-Forwarded-For.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as inboundList from "@/app/api/v1/inbound-webhooks/route";
import * as receive from "@/app/in/[id]/route";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor, clientFor, newOrg } from "@/tests/security/helpers";

const routes = {
  "/oauth/token": token,
  "/api/v1/endpoints": endpoints,
  "/api/v1/inbound-webhooks": inboundList,
  "/in/[id]": receive,
};
let direct: Awaited<ReturnType<typeof serveRoutes>>;
let behindProxy: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
const savedLimit = process.env.GATEHOUSE_TOKEN_RATE_LIMIT;

beforeAll(async () => {
  direct = await serveRoutes(routes);
  // As if a reverse proxy on loopback stood in front of the server.
  behindProxy = await serveRoutes(routes, { edge: { trustedProxies: ["127.0.0.0/8", "::1"] } });
  orgId = await newOrg();
});
afterAll(async () => {
  await direct.close();
  await behindProxy.close();
});
afterEach(() => {
  if (savedLimit === undefined) delete process.env.GATEHOUSE_TOKEN_RATE_LIMIT;
  else process.env.GATEHOUSE_TOKEN_RATE_LIMIT = savedLimit;
});

async function createEndpoint(origin: string, tok: string, name: string, xff: string) {
  const r = await fetch(`${origin}/api/v1/endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "x-forwarded-for": xff, "x-real-ip": xff },
    body: JSON.stringify({ name, url: `https://example.com/${name}` }),
  });
  expect(r.status).toBe(201);
  const id = ((await r.json()) as { id: string }).id;
  const audit = await db.auditEvent.findFirst({ where: { orgId, targetId: id } });
  return audit?.ip;
}

describe("a client-supplied X-Forwarded-For", () => {
  it("does not dodge the token endpoint's per-IP limit", async () => {
    process.env.GATEHOUSE_TOKEN_RATE_LIMIT = "2"; // per client 2/min, per IP 8/min
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await clientFor(orgId, []); // a new client each time: only the per-IP limit can bite
      const r = await fetch(`${direct.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `198.51.100.${i + 1}` },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId, client_secret: c.secret }),
      });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it("is not the IP recorded in the audit log or on an inbound message", async () => {
    const tok = await bearerFor(direct.origin, orgId, ["endpoints:write", "inbound:write"]);
    expect(await createEndpoint(direct.origin, tok, "spoof-a", "203.0.113.66")).toBe("127.0.0.1");

    const w = await fetch(`${direct.origin}/api/v1/inbound-webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "spoof", handler: "store" }),
    });
    expect(w.status).toBe(201);
    const hook = (await w.json()) as { id: string; token: string };
    const r = await fetch(`${direct.origin}/in/${hook.id}`, {
      method: "POST",
      headers: { authorization: `Bearer ${hook.token}`, "content-type": "application/json", "x-forwarded-for": "203.0.113.77" },
      body: "{}",
    });
    expect(r.status).toBe(202);
    const msg = await db.inboundMessage.findFirstOrThrow({ where: { webhookId: hook.id } });
    expect(msg.sourceIp).toBe("127.0.0.1");
  });

  it("behind a trusted proxy, the nearest untrusted hop is the client, whatever the client prepended", async () => {
    const tok = await bearerFor(behindProxy.origin, orgId, ["endpoints:write"]);
    // The client sent "192.0.2.1"; the proxy appended the address it saw, 203.0.113.5.
    expect(await createEndpoint(behindProxy.origin, tok, "proxied-a", "192.0.2.1, 203.0.113.5")).toBe("203.0.113.5");
    // Trusted hops (loopback here) are skipped from the right.
    expect(await createEndpoint(behindProxy.origin, tok, "proxied-b", "192.0.2.1, 203.0.113.6, 127.0.0.9")).toBe("203.0.113.6");
  });
});
