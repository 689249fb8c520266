// The proof behind finding 14: thousands of malformed requests against every route of the
// OpenAPI document plus /oauth/*, /in/* and the metadata, over real HTTP through the lean
// layer's edge and adapter (tests/helpers/route-server.ts), with a real bearer token (and bad
// ones). Bad escapes, NULs, lone surrogates, deep JSON, huge numbers, forged cursors, wrong
// content types and odd methods must never be a 5xx, and every error must be in the route's
// error format: application/problem+json, or RFC 6749 JSON on /oauth/*.
//
// Deterministic (fixed seed) and bounded (RUNS requests, well under a minute on a loaded
// machine). Requests carry a bearer token, a bad one, or a console session cookie; the session
// path reads next/headers, so each handler runs in Next.js's request scope as in
// tests/api-members.test.ts (nothing of ours is mocked).
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { BUILT_IN_SCOPES } from "@/lib/credentials/scopes";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { findLeanRoutes } from "@/lib/http/lean-routes";
import { db } from "@/lib/db/client";
import type { RouteHandler } from "@/lib/http/node-adapter";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";
import { bearerFor, newOrg } from "@/tests/security/helpers";

// Next's server installs this global before loading app code; its request-scope storages need it.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
const { encode } = await import("next-auth/jwt");
const { authConfig } = await import("@/lib/auth/config");
const SESSION_COOKIE = "authjs.session-token"; // over http; also the JWT salt

/** The handler run inside Next's request scope (what Next's app-route module provides), limits kept. */
function inRequestScope(h: RouteHandler): RouteHandler {
  const wrapped: RouteHandler = (req, ctx) => {
    const url = new URL(req.url);
    const workStore = { route: url.pathname, page: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
    const requestStore = { type: "request", phase: "action", headers: req.headers, url: { pathname: url.pathname, search: url.search } };
    return workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(requestStore as never, () => h(req, ctx)));
  };
  // The OAuth endpoints' plain variant is what the lean layer calls (node-adapter.ts): kept, so the fuzz reaches it.
  return Object.assign(wrapped, { maxBodyBytes: h.maxBodyBytes, tooLarge: h.tooLarge, plain: h.plain });
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = 20261204;

let server: Awaited<ReturnType<typeof serveRoutes>>;
let patterns: string[] = [];
const methodsOf: Record<string, string[]> = {};
let token = "";
let cookie = "";
const known: Record<string, string[]> = { id: ["x"], name: ["order.created"], messageId: ["x"] };


beforeAll(async () => {
  const appDir = path.resolve(import.meta.dirname, "../../app");
  const routes: Routes = {};
  // /api/inngest is the executor's endpoint (signed requests from the Inngest executor only), not a client API.
  for (const r of findLeanRoutes(appDir)) {
    if (r.pattern === "/api/inngest") continue;
    const mod = (await import(r.file)) as Record<string, unknown>;
    methodsOf[r.pattern] = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof mod[m] === "function");
    routes[r.pattern] = Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v === "function" ? inRequestScope(v as RouteHandler) : v]));
  }
  patterns = Object.keys(routes);
  server = await serveRoutes(routes);
  setDeliveryDispatcher(async () => {}); // events are stored; nothing is sent anywhere

  const org = await newOrg();
  token = await bearerFor(server.origin, org, BUILT_IN_SCOPES.map((s) => s.name));
  const user = await db.user.create({ data: { email: "fuzz-admin@example.com", name: "Fuzz" } });
  await db.membership.create({ data: { orgId: org, userId: user.id, role: "admin" } });
  const jwt = await encode({ token: { uid: user.id, sub: user.id, email: user.email }, secret: authConfig().secret as string, salt: SESSION_COOKIE });
  cookie = `${SESSION_COOKIE}=${jwt}`;
  // A few real objects, so some requests get past the lookups into the code behind them.
  const post = (p: string, body: unknown) =>
    fetch(`${server.origin}${p}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const ep = await post("/api/v1/endpoints", { name: "fuzz", url: "https://example.com/fuzz" });
  const et = await post("/api/v1/event-types", { name: "order.created", description: "fuzz", schema: { type: "object", properties: { n: { type: "integer" } } } });
  const iw = await post("/api/v1/inbound-webhooks", { name: "fuzz", handler: "store" });
  for (const r of [ep, et, iw]) expect(r.status, await r.clone().text()).toBe(201);
  known.id!.push(((await ep.json()) as { id: string }).id, ((await iw.json()) as { id: string }).id);
});
afterAll(async () => {
  setDeliveryDispatcher(undefined);
  await server?.close();
});

// ---- generators ----

/** encodeURIComponent, except that a lone surrogate goes out as the (invalid) UTF-8 bytes of one. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.toWellFormed()) + "%ED%A0%80";
  }
}

const nasty = fc.constantFrom(
  "%ZZ", "%C0%AF", "%00", "%ED%A0%80", "%E0%80%80", "%", "%2", "%FF", "%2e%2e", "..", "%2F", "a%20b", "%F0%9F%98%80", "%u0041",
  "%0A", "%7F",
);
const plainSegment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/);
const segment = fc.oneof(
  { weight: 3, arbitrary: plainSegment },
  { weight: 3, arbitrary: fc.tuple(fc.option(plainSegment), nasty, fc.option(plainSegment)).map(([a, b, c]) => `${a ?? ""}${b}${c ?? ""}`) },
  { weight: 1, arbitrary: fc.constant("x".repeat(5000)) },
);

const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udc00y", "\ud83d", "\uffff", "\u202e", "'; DROP TABLE x;--", "%00", "\\u0000"),
);
const hugeNumber = fc.constantFrom("1e999", "-1e999", "123456789012345678901234567890", "1e-999", "-0", "0.1e308", "9007199254740993");

/** JSON text with the given leaves, maybe wrapped very deep. */
const deep = fc.integer({ min: 60, max: 6000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`);
const deepObject = fc.integer({ min: 60, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`);

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weirdString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(weirdString, tie("v"), { maxKeys: 4 }),
  ),
})).v;

/** A body that looks like the route's input with one field made nasty, or nonsense. */
const objectBody = fc
  .record({
    fields: fc.dictionary(
      fc.constantFrom("name", "url", "type", "data", "id", "description", "schema", "event_types", "handler", "status", "email", "role", "scopes", "headers", "limit", "cursor", "filter"),
      jsonish,
      { maxKeys: 6 },
    ),
    splice: fc.option(fc.constantFrom(...["deep", "deepObject", "huge", "nul", "surrogate"] as const)),
  })
  .chain(({ fields, splice }) => {
    const text = JSON.stringify(fields);
    if (!splice) return fc.constant(text);
    const key = '"x":';
    const insert = (v: fc.Arbitrary<string>) => v.map((s) => (text === "{}" ? `{${key}${s}}` : `{${key}${s},${text.slice(1)}`));
    switch (splice) {
      case "deep": return insert(deep);
      case "deepObject": return insert(deepObject);
      case "huge": return insert(hugeNumber);
      case "nul": return fc.constant(text.replace(/"([^"]*)"/, '"$1\\u0000"'));
      case "surrogate": return fc.constant(text.replace(/"([^"]*)"/, '"$1\\ud800"'));
    }
  });

const body = fc.oneof(
  { weight: 5, arbitrary: objectBody.map((s) => Buffer.from(s, "utf8")) },
  { weight: 1, arbitrary: fc.constantFrom("", "{", "[1,", "null", "1", '"s"', "{}", "[]", "\ufeff{}", "{\"a\":1}garbage").map((s) => Buffer.from(s, "utf8")) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) }, // invalid UTF-8 and all
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])) },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(fc.constantFrom("grant_type", "client_id", "client_secret", "scope", "token", "token_type_hint", "x"), fc.oneof(weirdString, nasty))
      .map((d) => Buffer.from(Object.entries(d).map(([k, v]) => `${k}=${v.includes("%") ? v : enc(v)}`).join("&"), "utf8")),
  },
);

const cursorValue = fc.oneof(
  fc.constantFrom("9999999999999999999", "18446744073709551616", "0", "-1", "1e3", "").map((s) => Buffer.from(s).toString("base64url")),
  fc
    .record({ createdAt: fc.oneof(weirdString, fc.constantFrom("not a date", "2024-13-45T99:99:99Z", "+275760-09-13T00:00:00.001Z")), id: weirdString, at: weirdString, name: weirdString })
    .map((o) => Buffer.from(JSON.stringify(o)).toString("base64url")),
  fc.string().map((s) => Buffer.from(s).toString("base64url")),
  fc.constantFrom("%ZZ", "%00", "!!!", "a".repeat(300)),
);
const queryValue = fc.oneof(weirdString.map(enc).filter(Boolean), nasty, hugeNumber, fc.constantFrom("NaN", "Infinity", "-1", "true", "all", "live", "test"));
const query = fc
  .array(fc.tuple(fc.constantFrom("cursor", "limit", "status", "event_type", "type", "from", "to", "action", "actor", "environment", "archived", "endpoint_id", "target_id", "q"), fc.oneof(cursorValue, queryValue)), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));

/** Mostly one of the route's own methods; sometimes any other, or one nobody serves. */
const method = fc.oneof(
  { weight: 16, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE") },
  { weight: 2, arbitrary: fc.constantFrom("HEAD", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "FOO", "SEARCH", "LINK") },
);
const contentType = fc.constantFrom(
  "application/json", "application/json", "application/json; charset=utf-16", "application/merge-patch+json", "text/plain",
  "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "", "application/json;;;", undefined,
);
const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constant("valid") },
  { weight: 3, arbitrary: fc.constantFrom("session", "session-cross-site") },
  { weight: 1, arbitrary: fc.constantFrom("Bearer ", "Bearer garbage", `Bearer ${"a".repeat(3000)}`, "Bearer gat_test_x", "bearer \u00ff") },
);

type Req = { method: string; path: string; pattern: string; headers: Record<string, string>; body?: Buffer };

const requestArb = fc
  .record({
    patternIndex: fc.nat(),
    params: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constant("KNOWN") }, { weight: 3, arbitrary: segment }), { minLength: 4, maxLength: 4 }),
    knownPick: fc.nat(),
    query: fc.option(query, { freq: 2 }),
    method,
    contentType,
    authorization,
    body: fc.option(body, { freq: 4 }),
    idempotencyKey: fc.option(weirdString.map(enc).map((s) => s.slice(0, 300) || "k"), { freq: 6 }),
    basic: fc.option(fc.tuple(weirdString, weirdString), { freq: 5 }),
  })
  .map((r): Req => {
    const pattern = patterns[r.patternIndex % patterns.length]!;
    let i = 0;
    const p = pattern
      .split("/")
      .map((s) => {
        if (!s.startsWith("[")) return s;
        const v = r.params[i++ % 4]!;
        if (v !== "KNOWN") return v;
        const pool = known[s.slice(1, -1)] ?? known.id!;
        return encodeURIComponent(pool[r.knownPick % pool.length]!);
      })
      .join("/");
    const headers: Record<string, string> = {};
    if (r.contentType !== undefined) headers["content-type"] = r.contentType;
    const isOAuth = pattern.startsWith("/oauth/");
    if (isOAuth && r.basic) {
      headers.authorization = `Basic ${Buffer.from(`${r.basic[0]}:${r.basic[1]}`, "utf8").toString("base64")}`;
    } else {
      if (r.authorization === "valid") headers.authorization = `Bearer ${token}`;
      else if (r.authorization.startsWith("session")) {
        headers.cookie = cookie;
        headers.origin = r.authorization === "session" ? server.origin : "https://evil.example";
      } else headers.authorization = Buffer.from(r.authorization, "utf8").toString("latin1");
    }
    if (r.idempotencyKey) headers["idempotency-key"] = r.idempotencyKey;
    const own = methodsOf[pattern]!;
    const m = r.method ?? own[r.knownPick % own.length] ?? "GET";
    return { method: m, path: r.query ? `${p}?${r.query}` : p, pattern, headers, body: r.body ?? undefined };
  });

type Res = { status: number; type: string; body: string };

function send(r: Req): Promise<Res> {
  const u = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { "content-length": String(r.body.byteLength) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer in 20 s: ${r.method} ${r.path.slice(0, 200)}`)));
    req.on("error", reject);
    req.end(r.body);
  });
}

function parse(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why the answer is wrong, or null. */
function check(r: Req, res: Res): string | null {
  // The readiness probe's 503 (no executor runs here) is its answer, in problem+json: judged below.
  if (res.status >= 500 && !(r.pattern === "/readyz" && res.status === 503)) return `${res.status}`;
  if (res.status < 400 || r.method === "HEAD") return null; // HEAD: no body to judge
  const b = parse(res.body);
  if (res.type === "application/problem+json") {
    if (!b || b.status !== res.status || typeof b.code !== "string") return "malformed problem body";
    // On /oauth/*, only what the edge refuses before the endpoint runs (a broken URL or Host, an
    // odd method) may be problem+json; the endpoint itself answers in RFC 6749 form.
    if (r.pattern.startsWith("/oauth/") && !["bad_request", "method_not_allowed", "not_found"].includes(b.code)) return `OAuth endpoint answered problem+json (${b.code})`;
    return null;
  }
  if (r.pattern.startsWith("/oauth/") && res.type === "application/json") {
    return b && typeof b.error === "string" ? null : "OAuth error without `error`";
  }
  return `error as ${res.type || "no content type"}`;
}

describe("malformed requests to every route", () => {
  it("covers every path of the OpenAPI document", () => {
    const doc = openApiDocument() as { paths: Record<string, unknown> };
    const missing = Object.keys(doc.paths)
      .map((p) => p.replace(/\{([^}]+)\}/g, "[$1]"))
      .filter((p) => !patterns.includes(p));
    expect(missing).toEqual([]);
    for (const p of ["/oauth/token", "/oauth/introspect", "/oauth/revoke", "/in/[id]", "/.well-known/oauth-authorization-server"]) {
      expect(patterns).toContain(p);
    }
  });

  it(`answers ${RUNS} of them with 4xx in the right format, never 5xx`, async () => {
    const failures: string[] = [];
    const seen = new Map<string, number>(); // status by kind of caller, printed with FUZZ_STATS=1
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const res = await send(r);
        const who = r.headers.cookie ? (r.headers.origin === server.origin ? "session" : "cross-site") : r.headers.authorization === `Bearer ${token}` ? "bearer" : "other";
        seen.set(`${who} ${res.status}`, (seen.get(`${who} ${res.status}`) ?? 0) + 1);
        const problem = check(r, res);
        if (problem) {
          const body = r.body ? r.body.toString("utf8").slice(0, 200) : "";
          failures.push(`${problem}: ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers["content-type"])} ${JSON.stringify(body)} → ${res.body.slice(0, 200)}`);
          if (failures.length >= 20) throw new Error(failures.join("\n"));
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.FUZZ_STATS) console.log([...seen].sort().map(([k, n]) => `${k}: ${n}`).join("\n"));
    expect(failures).toEqual([]);
  }, 180_000);
});
