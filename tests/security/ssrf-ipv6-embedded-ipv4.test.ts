// SSRF through IPv6 addresses that carry an IPv4 one (issue 12, finding 12): `http://[::ffff:0:7f00:1]/`
// (IPv4-translated 127.0.0.1) and the local-use NAT64 prefix were accepted, and an IP literal
// skipped the connect-time check. Here: the address table, endpoint creation over real HTTP with
// the development allow-list off, and real sends to a loopback receiver through IPv6 literals,
// which must be refused before a connection is made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/deliveries/attempt-delivery";
import { sendRequest } from "@/lib/deliveries/send-request";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { checkUrlSyntax, isBlockedAddress, setAllowPrivateUrlsForTests } from "@/lib/webhooks/url-policy";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let receiver: Receiver;
let orgId: string;
let bearer: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints": endpoints, "/api/v1/webhooks": webhooks });
  receiver = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "SSRF" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:write", "endpoints:read", "events:write"], expiresAt: null,
    tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  bearer = (await r.json()).access_token;
}, 120_000);
afterAll(async () => {
  setAllowPrivateUrlsForTests(undefined);
  await receiver?.close();
  await server?.close();
});

describe("addresses", () => {
  // Each IPv6 form is judged by the IPv4 address it carries; comments name that address.
  it.each([
    "::ffff:0:7f00:1", // IPv4-translated (::ffff:0:0:0/96) → 127.0.0.1
    "::ffff:0:a9fe:a9fe", // translated → 169.254.169.254 (cloud metadata)
    "::ffff:0:0a00:1", // translated → 10.0.0.1
    "::ffff:7f00:1", // IPv4-mapped → 127.0.0.1
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1", // NAT64 well-known → 127.0.0.1
    "64:ff9b::192.168.1.1",
    "64:ff9b:1::a00:1", // local-use NAT64 (64:ff9b:1::/48), refused whole
    "64:ff9b:1:ffff::8.8.8.8",
    "2002:7f00:1::", // 6to4 → 127.0.0.1
    "2002:a9fe:a9fe::1", // 6to4 → 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, obfuscated client → 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe", // Teredo client → 10.0.0.1
    "2001:0:7f00:1:8000:63bf:f7f7:f7f7", // Teredo server → 127.0.0.1
    "::7f00:1", // IPv4-compatible → 127.0.0.1
    "::10.0.0.1",
    "::0.0.0.2",
    "::", "::1", "[::1]", "fe80::1", "fe80::1%eth0", "fd00::1", "fc00::1", "fec0::1", "ff02::1", "ff0e::1",
    "100::1", "2001:db8::1", "3fff::1", "2001:2::1", "4000::1", "::2:0:0:1",
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "192.0.0.8", "192.0.2.1", "198.18.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
  ])("blocks %s", (a) => expect(isBlockedAddress(a)).toBe(true));

  it.each([
    "1.1.1.1", "8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", "::ffff:0:808:808", "64:ff9b::8.8.8.8", "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7", // Teredo: server 65.54.227.120, client 8.8.8.8
  ])("allows %s", (a) => expect(isBlockedAddress(a)).toBe(false));

  it("refuses the URL forms of the embedded addresses", () => {
    for (const u of ["http://[::ffff:0:7f00:1]/", "http://[64:ff9b:1::a00:1]/", "http://[2002:7f00:1::]/", "http://[::ffff:127.0.0.1]:8080/x", "http://[0:0:0:0:0:ffff:7f00:1]/"]) {
      const r = checkUrlSyntax(u, { allowPrivate: false, environment: "test" });
      expect(r.ok ? "ok" : r.problem.code, u).toBe("private");
    }
  });
});

describe("endpoint creation (allow-list off)", () => {
  it.each(["http://[::ffff:0:7f00:1]/", "http://[64:ff9b:1::7f00:1]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/"])(
    "POST /api/v1/endpoints and /api/v1/webhooks refuse %s with 422 on url",
    async (url) => {
      setAllowPrivateUrlsForTests(false);
      for (const [path, body] of [
        ["/api/v1/endpoints", { name: "ssrf", url }],
        ["/api/v1/webhooks", { url, events: ["run.completed"] }],
      ] as const) {
        const res = await fetch(`${server.origin}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status, path).toBe(422);
        const problem = await res.json();
        expect(problem.errors.map((e: { field: string }) => e.field)).toContain("url");
      }
      expect(await db.endpoint.count({ where: { orgId, url } })).toBe(0);
    },
  );
});

describe("send time (allow-list off)", () => {
  it("sendRequest refuses an IPv6 literal that reaches a loopback receiver, before connecting", async () => {
    const port = new URL(receiver.url).port;
    const before = receiver.requests.length;
    for (const host of ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]", "127.0.0.1"]) {
      const r = await sendRequest({ url: `http://${host}:${port}/literal`, headers: {}, body: "{}", timeoutMs: 2000, allowPrivate: false });
      expect(r.status, host).toBeNull();
      expect(r.error, host).toMatch(/^refused: /);
    }
    expect(receiver.requests.length).toBe(before);
    // The same request with the allow-list on does arrive: the refusal above is the policy, not the network.
    const ok = await sendRequest({ url: `http://[::ffff:127.0.0.1]:${port}/literal`, headers: {}, body: "{}", timeoutMs: 5000, allowPrivate: true });
    expect(ok.status).toBe(200);
    expect(receiver.requests.length).toBe(before + 1);
  });

  it("a delivery to an endpoint saved with an IPv6 loopback literal is recorded as refused and never reaches the receiver", async () => {
    const port = new URL(receiver.url).port;
    setAllowPrivateUrlsForTests(true); // saved while private URLs were allowed (development), then the allow-list is turned off
    const { endpoint } = await createEndpoint({
      orgId, environment: "test", name: "planted", url: `http://[::ffff:127.0.0.1]:${port}/planted`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
    });
    setAllowPrivateUrlsForTests(false);
    const before = receiver.requests.length;
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: {}, dispatch: false, onlyEndpointId: endpoint.id });
    const outcome = await attemptDelivery({ deliveryId: r.pendingDeliveryIds[0]!, attempt: 0 });
    expect(outcome.kind).toBe("retry");
    const attempts = await db.deliveryAttempt.findMany({ where: { deliveryId: r.pendingDeliveryIds[0]! } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.error).toMatch(/refused/);
    expect(attempts[0]!.responseStatus).toBeNull();
    expect(receiver.requests.length).toBe(before);
  });
});
