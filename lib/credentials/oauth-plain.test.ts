// The lean layer answers the OAuth endpoints through their `plain` handler (node:http straight
// to the endpoint, no web Request or Response: node-adapter.ts); Next.js, and any caller of the
// route's POST, goes through the web handler. Both must give the client the same bytes. Two
// servers over real HTTP, one calling `plain`, one the web handler, get the same raw requests
// (good ones and hostile ones) and their raw answers are compared byte for byte, with only what
// differs between any two requests masked: the Date header, the seconds to the rate limit
// window's end, and a newly issued token (its length still compared).
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as introspectRoute from "@/app/oauth/introspect/route";
import * as revokeRoute from "@/app/oauth/revoke/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import type { RouteHandler } from "@/lib/http/node-adapter";
import { runtime } from "@/lib/runtime/runtime";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let plainServer: Awaited<ReturnType<typeof serveRoutes>>;
let webServer: Awaited<ReturnType<typeof serveRoutes>>;
let clientId = "";
let secret = "";
let plainCalls = 0;

/** The route's POST as the lean layer sees it, counting its plain calls. */
function counted(h: RouteHandler): RouteHandler {
  const plain = h.plain!;
  return Object.assign((req: Request, c: { params: Promise<Record<string, string>> }) => h(req, c), {
    maxBodyBytes: h.maxBodyBytes,
    tooLarge: h.tooLarge,
    plain: (r: Parameters<typeof plain>[0]) => {
      plainCalls++;
      return plain(r);
    },
  });
}

/** The same route's POST without `plain`: the adapter builds a web Request and writes the Response. */
function webOnly(h: RouteHandler): RouteHandler {
  return Object.assign((req: Request, c: { params: Promise<Record<string, string>> }) => h(req, c), { maxBodyBytes: h.maxBodyBytes, tooLarge: h.tooLarge });
}

beforeAll(async () => {
  const routes = (wrap: (h: RouteHandler) => RouteHandler) => ({
    "/oauth/token": { ...token, POST: wrap(token.POST as RouteHandler) },
    "/oauth/introspect": { ...introspectRoute, POST: wrap(introspectRoute.POST as RouteHandler) },
    "/oauth/revoke": { ...revokeRoute, POST: wrap(revokeRoute.POST as RouteHandler) },
  });
  // Raw requests here are deliberately broken HTTP at times: not API operations to check.
  plainServer = await serveRoutes(routes(counted), { contract: false });
  webServer = await serveRoutes(routes(webOnly), { contract: false });
  const orgId = (await db.organization.create({ data: { name: "Plain" } })).id;
  const made = await createCredential({
    orgId,
    environment: "test",
    name: "svc",
    scopes: ["members:read", "audit:read"],
    expiresAt: null,
    tokenLifetimeSeconds: 3600,
    createdById: null,
    ctx,
  });
  clientId = made.credential.clientId;
  secret = made.secret;
});
afterAll(async () => {
  await plainServer?.close();
  await webServer?.close();
});

/** Sends `raw` bytes on a new connection and answers everything the server sent until it closed (bounded: 10 s). */
function exchange(origin: string, raw: Buffer): Promise<Buffer> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no complete answer within 10 s"));
    }, 10_000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {}); // a server that closes after a 413 may reset the rest of the write
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    // Not end(): a client that half-closes is answered by Node closing the connection at once.
    // The request says Connection: close, so the server closes it once it has answered.
    socket.write(raw);
  });
}

/** The rate limits start afresh, so both servers' answers carry the same counts. */
async function resetLimits() {
  runtime().limits.leases.clear();
  await sql(`DELETE FROM "RateLimitCounter"`);
}

/** What may differ between two identical requests a moment apart. */
function masked(answer: Buffer): string {
  return answer
    .toString("latin1")
    .replace(/\r\nDate: [^\r]*/, "\r\nDate: <date>")
    .replace(/;t=\d+/g, ";t=<s>")
    .replace(/\r\nRateLimit-Reset: \d+/i, "\r\nRateLimit-Reset: <s>")
    .replace(/"access_token":"([^"]*)"/, (_, t: string) => `"access_token":"<${t.length} chars>"`);
}

type Case = { name: string; path?: string; headers?: [string, string][]; body?: string | Buffer; chunked?: boolean };

function rawRequest(c: Case): Buffer {
  const body = c.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body, "utf8");
  const lines = [`POST ${c.path ?? "/oauth/token"} HTTP/1.1`, "Host: gatehouse.test", "X-Request-Id: plain-vs-web-0001", "Connection: close"];
  for (const [k, v] of c.headers ?? [["Content-Type", "application/x-www-form-urlencoded"]]) lines.push(`${k}: ${v}`);
  if (c.chunked) {
    lines.push("Transfer-Encoding: chunked");
    const chunk = Buffer.concat([Buffer.from(`${body.byteLength.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]);
    return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), chunk]);
  }
  lines.push(`Content-Length: ${body.byteLength}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]);
}

const FORM: [string, string][] = [["Content-Type", "application/x-www-form-urlencoded"]];
const basic = (user: string, pass: string) => "Basic " + Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(pass)}`).toString("base64");

/** Both servers' answers to `c`, masked; and the plain server's status line. */
async function both(c: Case) {
  await resetLimits();
  const plain = masked(await exchange(plainServer.origin, rawRequest(c)));
  await resetLimits();
  const web = masked(await exchange(webServer.origin, rawRequest(c)));
  return { plain, web, status: plain.slice(0, plain.indexOf("\r\n")) };
}

describe("the OAuth endpoints' plain path answers byte for byte as the web path", () => {
  const cases = (): (Case & { status: number })[] => {
    const good = `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}`;
    const creds = `client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}`;
    return [
      { name: "good, client_secret_post", body: `${good}&scope=members%3Aread`, status: 200 },
      { name: "good, no scope", body: good, status: 200 },
      { name: "good, client_secret_basic", headers: [...FORM, ["Authorization", basic(clientId, secret)]], body: "grant_type=client_credentials", status: 200 },
      { name: "good, a charset parameter and spaces around the content type", headers: [["Content-Type", "  application/x-www-form-urlencoded; charset=UTF-8  "]], body: good, status: 200 },
      { name: "good, chunked", body: good, chunked: true, status: 200 },
      { name: "JSON instead of a form", headers: [["Content-Type", "application/json"]], body: JSON.stringify({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }), status: 400 },
      { name: "no content type", headers: [], body: good, status: 400 },
      { name: "text/plain", headers: [["Content-Type", "text/plain"]], body: good, status: 400 },
      { name: "two Content-Type headers", headers: [...FORM, ["Content-Type", "application/json"]], body: good, status: 200 },
      { name: "duplicated grant_type", body: `${good}&grant_type=client_credentials`, status: 400 },
      { name: "duplicated client_id", body: `${good}&client_id=${encodeURIComponent(clientId)}`, status: 400 },
      { name: "oversized body (declared)", body: `${good}&pad=${"a".repeat(17 * 1024)}`, status: 413 },
      { name: "oversized body (chunked, undeclared)", body: `${good}&pad=${"a".repeat(17 * 1024)}`, chunked: true, status: 413 },
      { name: "body of exactly 16 KiB", body: `${good}&pad=`.padEnd(16 * 1024, "b"), status: 200 },
      { name: "malformed percent-encoding", body: `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=%zz%E0%A4%A`, status: 401 },
      { name: "bytes that are not UTF-8", body: Buffer.concat([Buffer.from(`${good}&scope=`), Buffer.from([0xff, 0xfe, 0xc3])]), status: 400 },
      { name: "a byte-order mark", body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]), status: 400 },
      { name: "NUL in a parameter", body: `${good}&scope=%00`, status: 400 },
      { name: "lone surrogate in client_id", body: `grant_type=client_credentials&client_id=%ED%A0%80&client_secret=x`, status: 401 },
      { name: "empty body", body: "", status: 401 },
      { name: "Basic that is not base64", headers: [...FORM, ["Authorization", "Basic !!!***"]], body: "grant_type=client_credentials", status: 401 },
      { name: "Basic without a colon", headers: [...FORM, ["Authorization", `Basic ${Buffer.from("nocolon").toString("base64")}`]], body: "grant_type=client_credentials", status: 401 },
      { name: "Basic with a broken percent-escape", headers: [...FORM, ["Authorization", `Basic ${Buffer.from("%E0%A4%A:x").toString("base64")}`]], body: "grant_type=client_credentials", status: 401 },
      { name: "Basic with the wrong secret", headers: [...FORM, ["Authorization", basic(clientId, "gsk_test_wrong")]], body: "grant_type=client_credentials", status: 401 },
      { name: "Basic in lower case, and a client_id that differs", headers: [...FORM, ["Authorization", `basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`]], body: "grant_type=client_credentials&client_id=other", status: 400 },
      // The Request joins them ("Basic x=, Basic y"): not one base64 value, so malformed, even
      // though base64 decoding would stop at the first's padding and find good credentials.
      { name: "two Authorization headers", headers: [...FORM, ["Authorization", basic(clientId, secret)], ["Authorization", basic(clientId, "gsk_test_other")]], body: "grant_type=client_credentials", status: 401 },
      // Unpadded, the first runs on into the second ("…, Basic …"): a wrong secret. (Node's
      // req.headers keeps only the first Authorization: the plain path must not read that.)
      {
        name: "two Authorization headers, the first unpadded",
        headers: [...FORM, ["Authorization", basic(clientId, secret).replace(/=+$/, "")], ["Authorization", basic(clientId, secret)]],
        body: "grant_type=client_credentials",
        status: 401,
      },
      { name: "Basic and client_secret both", headers: [...FORM, ["Authorization", basic(clientId, secret)]], body: good, status: 400 },
      { name: "a Bearer Authorization and nothing else", headers: [...FORM, ["Authorization", "Bearer abc"]], body: "grant_type=client_credentials", status: 401 },
      { name: "the wrong secret in the body", body: `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=gsk_test_wrong`, status: 401 },
      { name: "an unknown client id", body: `grant_type=client_credentials&client_id=gci_nope&client_secret=${encodeURIComponent(secret)}`, status: 401 },
      { name: "unknown grant", body: `${creds}&grant_type=password`, status: 400 },
      { name: "no grant_type", body: creds, status: 400 },
      { name: "a scope wider than allowed", body: `${good}&scope=members%3Aread+webhooks%3Awrite`, status: 400 },
      { name: "an empty scope", body: `${good}&scope=+`, status: 400 },
      { name: "a wrong client_assertion_type", body: `grant_type=client_credentials&client_assertion_type=x&client_assertion=y`, status: 400 },
      { name: "a client assertion that is no JWT", body: `grant_type=client_credentials&client_assertion_type=${encodeURIComponent("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")}&client_assertion=abc`, status: 401 },
      { name: "forged forwarding headers", headers: [...FORM, ["X-Forwarded-For", "203.0.113.9"], ["X-Forwarded-Host", "evil.example"], ["X-Real-IP", "1.2.3.4"]], body: good, status: 200 },
      { name: "introspection without a token", path: "/oauth/introspect", body: creds, status: 400 },
      { name: "introspection of garbage", path: "/oauth/introspect", body: `${creds}&token=gat_test_garbage`, status: 200 },
      { name: "introspection, wrong secret", path: "/oauth/introspect", body: `client_id=${encodeURIComponent(clientId)}&client_secret=gsk_test_wrong&token=x`, status: 401 },
      { name: "revocation of garbage", path: "/oauth/revoke", body: `${creds}&token=gat_test_garbage`, status: 200 },
      { name: "revocation, an unsupported token_type_hint", path: "/oauth/revoke", body: `${creds}&token=x&token_type_hint=id_token`, status: 400 },
      { name: "revocation, bad content type", path: "/oauth/revoke", headers: [["Content-Type", "application/json"]], body: "{}", status: 400 },
    ];
  };

  it("for good and hostile token requests, introspections and revocations", async () => {
    plainCalls = 0;
    const all = cases();
    const statuses: string[] = [];
    for (const c of all) {
      const { plain, web, status } = await both(c);
      expect(plain, c.name).toBe(web);
      statuses.push(`${c.name}: ${status.slice(9, 12)}`);
    }
    expect(statuses).toEqual(all.map((c) => `${c.name}: ${c.status}`));
    // The plain path did answer (the oversized ones are refused before any handler runs).
    expect(plainCalls).toBe(all.length - 2);
  }, 120_000);

  it("for a real token's introspection and revocation", async () => {
    const got = await fetch(`${plainServer.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }),
    });
    expect(got.status).toBe(200);
    const issued = ((await got.json()) as { access_token: string }).access_token;
    const creds = `client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}&token=${encodeURIComponent(issued)}`;
    const active = await both({ name: "introspect", path: "/oauth/introspect", body: creds });
    expect(active.plain).toBe(active.web);
    expect(active.plain).toContain('"active":true');
    expect(active.plain).toContain('"iss":"http://gatehouse.test"');
    const revoked = await both({ name: "revoke", path: "/oauth/revoke", body: creds });
    expect(revoked.plain).toBe(revoked.web);
    expect(revoked.status).toBe("HTTP/1.1 200 OK");
    const after = await both({ name: "introspect after", path: "/oauth/introspect", body: creds });
    expect(after.plain).toBe(after.web);
    expect(after.plain).toContain('{"active":false}');
  }, 60_000);
});
