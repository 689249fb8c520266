// The edge in front of Next.js (server.ts): what Next.js, Auth.js and requestInfo() read from
// X-Forwarded-* is the edge's, never the client's, and a cross-origin server action is a 403
// (Next.js itself answers it with a 500). A stand-in for Next.js echoes what it would see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { createEdge, createEdgeServer, type EdgeOptions } from "@/lib/http/edge";

type Seen = { status: number; body: string };
const servers: { close(): void }[] = [];

async function serve(opts: EdgeOptions) {
  const edge = createEdge(opts);
  const server = createEdgeServer((req, res) => {
    if (!edge.admit(req, res, { checkActionOrigin: true })) return;
    const h = req.headers;
    res.end(JSON.stringify({ for: h["x-forwarded-for"], host: h["x-forwarded-host"], proto: h["x-forwarded-proto"], realIp: h["x-real-ip"] ?? null, forwarded: h.forwarded ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ close: () => server.close() });
  return (server.address() as AddressInfo).port;
}

function send(port: number, method: string, headers: Record<string, string>): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path: "/sign-in", headers, setHost: !headers.host }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject).end();
  });
}

let direct = 0;
let proxied = 0;
let pub = 0;
beforeAll(async () => {
  direct = await serve({});
  proxied = await serve({ trustedProxies: ["127.0.0.1/32"] });
  pub = await serve({ publicUrl: "https://gatehouse.example.com" });
});
afterAll(() => servers.forEach((s) => s.close()));

const spoof = { "x-forwarded-for": "203.0.113.9", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "x-real-ip": "203.0.113.9", forwarded: "for=203.0.113.9" };

describe("the edge in front of Next.js", () => {
  it("replaces a client's X-Forwarded-*, X-Real-IP and Forwarded with the socket's address and the Host", async () => {
    const r = await send(direct, "GET", { host: "console.example:3000", ...spoof });
    expect(JSON.parse(r.body)).toEqual({ for: "127.0.0.1", host: "console.example:3000", proto: "http", realIp: null, forwarded: null });
  });

  it("takes them from a trusted proxy, the client being the nearest untrusted hop", async () => {
    const r = await send(proxied, "GET", { host: "10.0.0.2", "x-forwarded-for": "192.0.2.1, 203.0.113.5", "x-forwarded-host": "console.example", "x-forwarded-proto": "https" });
    expect(JSON.parse(r.body)).toMatchObject({ for: "203.0.113.5", host: "console.example", proto: "https" });
  });

  it("uses the public URL whatever the request says", async () => {
    const r = await send(pub, "GET", { host: "evil.example", ...spoof });
    expect(JSON.parse(r.body)).toMatchObject({ for: "127.0.0.1", host: "gatehouse.example.com", proto: "https" });
  });

  it("refuses a cross-origin server action with 403 problem+json, and lets a same-origin one through", async () => {
    const cross = await send(direct, "POST", { host: "console.example", origin: "http://evil.example", "next-action": "abc" });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body)).toMatchObject({ status: 403, code: "forbidden" });
    const nullOrigin = await send(direct, "POST", { host: "console.example", origin: "null", "next-action": "abc" });
    expect(nullOrigin.status).toBe(403);
    const same = await send(direct, "POST", { host: "console.example", origin: "http://console.example", "next-action": "abc" });
    expect(same.status).toBe(200);
    // Behind GATEHOUSE_PUBLIC_URL, only the public origin may post actions.
    expect((await send(pub, "POST", { host: "127.0.0.1", origin: "http://127.0.0.1", "next-action": "abc" })).status).toBe(403);
    expect((await send(pub, "POST", { host: "127.0.0.1", origin: "https://gatehouse.example.com", "next-action": "abc" })).status).toBe(200);
  });
});
