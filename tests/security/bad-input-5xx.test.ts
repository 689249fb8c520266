// Finding 14: bad input answered 5xx. Each of these reproductions must be a 4xx in the route's
// error format (problem+json; RFC 6749 JSON on the OAuth endpoints). They are fixed in the
// wrappers (the edge, the adapter, withApi, withOAuthClient, the cursor decoders), not per route;
// tests/security/malformed-requests.test.ts fuzzes every route with the same kinds of input.
// (The cross-origin server action is a Next.js page request: checked by the edge in front of
// Next.js, see edge.test.ts in lib/http.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpoint from "@/app/api/v1/endpoints/[id]/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as events from "@/app/api/v1/events/route";
import * as audit from "@/app/api/v1/audit-events/route";
import * as receive from "@/app/in/[id]/route";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor, newOrg } from "@/tests/security/helpers";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/endpoints": endpoints,
    "/api/v1/endpoints/[id]": endpoint,
    "/api/v1/event-types": eventTypes,
    "/api/v1/events": events,
    "/api/v1/audit-events": audit,
    "/in/[id]": receive,
  });
  tok = await bearerFor(server.origin, await newOrg(), ["endpoints:read", "endpoints:write", "events:read", "events:write", "audit:read"]);
  const r = await api("POST", "/api/v1/event-types", JSON.stringify({ name: "order.created", description: "An order was placed" }));
  expect(r.status).toBe(201);
});
afterAll(() => server.close());

type Raw = { status: number; type: string; body: string };

/** A request with the path sent byte for byte (fetch would normalise it) and any method or Host. */
function raw(method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const u = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method,
        setHost: !opts.headers?.host,
        headers: { authorization: `Bearer ${tok}`, ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

async function api(method: string, path: string, body?: string) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
    body,
  });
}

function expectProblem(r: Raw, label: string) {
  expect(r.status, `${label}: ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, `${label}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
  expect(r.type, label).toBe("application/problem+json");
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("bad input is a 4xx, never a 5xx", () => {
  it("a list cursor with an impossible createdAt", async () => {
    expectProblem(await raw("GET", `/api/v1/endpoints?cursor=${b64({ createdAt: "not a date", id: "x" })}`), "endpoints cursor");
    expectProblem(await raw("GET", `/api/v1/events?cursor=${b64({ createdAt: "2024-13-45T99:99:99Z", id: "x" })}`), "events cursor");
  });

  it("an audit cursor above 64 bits", async () => {
    const cursor = Buffer.from("9999999999999999999").toString("base64url");
    expectProblem(await raw("GET", `/api/v1/audit-events?cursor=${cursor}`), "audit cursor");
  });

  it("NUL in a JSON string, a query value and a path segment", async () => {
    expectProblem(await raw("POST", "/api/v1/endpoints", { body: JSON.stringify({ name: "a\u0000b", url: "https://example.com/x" }) }), "NUL in body");
    expectProblem(await raw("GET", "/api/v1/audit-events?action=a%00b"), "NUL in query");
    expectProblem(await raw("GET", "/api/v1/endpoints/ep_%00x"), "NUL in path");
  });

  it("a lone surrogate in event data", async () => {
    const body = '{"type":"order.created","data":{"note":"\\ud800"}}';
    expectProblem(await raw("POST", "/api/v1/events", { body }), "lone surrogate");
  });

  it("JSON nested 5,000 deep", async () => {
    const body = `{"type":"order.created","data":{"x":${"[".repeat(5000)}${"]".repeat(5000)}}}`;
    expectProblem(await raw("POST", "/api/v1/events", { body }), "deep JSON");
  });

  it("%ZZ and %C0%AF in a path segment", async () => {
    expectProblem(await raw("GET", "/api/v1/endpoints/%ZZ"), "%ZZ");
    expectProblem(await raw("GET", "/api/v1/endpoints/%C0%AF"), "%C0%AF");
    expectProblem(await raw("POST", "/in/%C0%AF", { body: "{}" }), "%C0%AF inbound");
  });

  it("TRACE and Host: a b", async () => {
    expectProblem(await raw("TRACE", "/api/v1/endpoints"), "TRACE");
    expectProblem(await raw("GET", "/api/v1/endpoints", { headers: { host: "a b" } }), "Host: a b");
  });

  it("on /oauth/token the same input is an RFC 6749 error", async () => {
    const form = "grant_type=client_credentials&client_id=a%00b&client_secret=x";
    const r = await raw("POST", "/oauth/token", { body: form, headers: { "content-type": "application/x-www-form-urlencoded", authorization: "" } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.type).toBe("application/json");
    expect(JSON.parse(r.body).error).toMatch(/^invalid_/);
  });
});
