// What the process writes to stdout while it serves real requests over HTTP: JSON lines, one
// request id per request on every line it causes (and in X-Request-Id and problem+json
// `instance`), expected outcomes without stacks, and never a secret, token, password or body,
// even at LOG_LEVEL=debug: a token exchange with a client secret, the bearer token it gives,
// a sign-in with a right and a wrong password, an endpoint with an auth token, an event whose
// body carries a marker, its delivery refused by the receiver (a 500 with a body) and retried.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.LOG_LEVEL = "debug";
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s";
});

// Everything written to stdout from here on (the logger writes through process.stdout).
const out: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const { startReceiver } = await import("@/e2e/receiver");
const { startDeliveryEngine } = await import("@/inngest/testing");
const { waitFor } = await import("@/inngest/engine/testing");
const { hashPassword } = await import("@/lib/auth/password");
const { createCredential } = await import("@/lib/credentials/manage-credentials");
const { db } = await import("@/lib/db/client");
const { API_ROUTES } = await import("@/tests/helpers/api-routes");
const { serveAuth, signInOverHttp } = await import("@/tests/security/helpers/auth-http");

type Line = Record<string, unknown> & { level: string; msg: string; req_id?: string };
const lines = (): Line[] =>
  out
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const PASSWORD = `Pw-${randomBytes(12).toString("hex")}!`;
const WRONG_PASSWORD = `Wrong-${randomBytes(12).toString("hex")}!`;
const BODY_MARKER = `body-marker-${randomBytes(12).toString("hex")}`;
const RESPONSE_MARKER = `response-marker-${randomBytes(12).toString("hex")}`;
const AUTH_TOKEN = `auth-token-${randomBytes(16).toString("hex")}`;
const HEADER_VALUE = `${AUTH_TOKEN.slice(0, 20)}-hdr`;

let server: Awaited<ReturnType<typeof serveAuth>>;
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const secrets: string[] = [PASSWORD, WRONG_PASSWORD, BODY_MARKER, RESPONSE_MARKER, AUTH_TOKEN, HEADER_VALUE];

beforeAll(async () => {
  server = await serveAuth(API_ROUTES);
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  // The receiver refuses the first attempt with a 500 and a body, then takes the retry.
  receiver.respondWith((_req, i) => (i === 0 ? { status: 500, body: RESPONSE_MARKER } : { status: 204 }));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await server?.close();
});

describe("logs", () => {
  it("carry no secret, token, password or body, and one request id per request", async () => {
    const orgId = (await db.organization.create({ data: { name: "Logged" } })).id;
    const email = `owner-${randomBytes(4).toString("hex")}@example.com`;
    const user = await db.user.create({ data: { email, name: "Owner", passwordHash: await hashPassword(PASSWORD) } });
    await db.membership.create({ data: { orgId, userId: user.id, role: "owner" } });
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "svc", scopes: ["endpoints:write", "events:write", "events:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    secrets.push(secret);

    // Token exchange, client_secret_post and client_secret_basic, and a wrong secret.
    const form = (s: string) => new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: s });
    const issued = await fetch(`${server.origin}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(secret) });
    expect(issued.status).toBe(200);
    const tok = ((await issued.json()) as { access_token: string }).access_token;
    secrets.push(tok);
    const basic = await fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${credential.clientId}:${secret}`).toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    expect(basic.status).toBe(200);
    secrets.push(((await basic.json()) as { access_token: string }).access_token);
    const wrongSecret = `${secret.slice(0, -6)}AAAAAA`;
    secrets.push(wrongSecret);
    expect((await fetch(`${server.origin}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(wrongSecret) })).status).toBe(401);

    // Sign-in with the right and a wrong password (Auth.js's credentials callback).
    expect((await signInOverHttp(server.origin, email, WRONG_PASSWORD)).outcome).toBe("invalid");
    expect((await signInOverHttp(server.origin, email, PASSWORD)).outcome).toBe("signed_in");

    const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // An endpoint with an auth token; its signing secret comes back once.
    const ep = await api("POST", "/api/v1/endpoints", { name: "receiver", url: receiver.url, auth_token: AUTH_TOKEN, headers_json: { "X-Custom": HEADER_VALUE } });
    expect(ep.status, await ep.clone().text()).toBe(201);
    const endpoint = (await ep.json()) as { id: string; secret: string };
    secrets.push(endpoint.secret);

    // An event whose body carries a marker, sent with a well-formed request id of the client's.
    const clientId = `client-req-${randomBytes(6).toString("hex")}`;
    const ev = await api("POST", "/api/v1/events", { type: "run.completed", data: { note: BODY_MARKER } }, { "x-request-id": clientId });
    expect(ev.status).toBe(202);
    expect(ev.headers.get("x-request-id")).toBe(clientId);

    // The delivery: refused once (500 with a body), retried, delivered.
    await receiver.waitFor(2, 30_000);
    await waitFor(async () => (await db.delivery.findFirst({ where: { endpointId: endpoint.id } }))?.status === "succeeded", 30_000);

    // A problem: its instance is the request's id, which the response echoes.
    const forged = 'evil"\n{"level":"fatal"}';
    const bad = await fetch(`${server.origin}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "x-request-id": forged.replace("\n", " ") },
      body: JSON.stringify({ type: "run.completed", data: {}, password: PASSWORD }),
    });
    expect(bad.status).toBe(422);
    const badId = bad.headers.get("x-request-id")!;
    expect(badId).toMatch(/^[0-9a-f-]{36}$/); // the malformed one was replaced
    expect(((await bad.json()) as { instance: string }).instance).toBe(`urn:gatehouse:request:${badId}`);

    await new Promise((r) => setTimeout(r, 200)); // the last requests' lines are written on close

    const all = lines();
    const text = out.join("");
    for (const s of secrets) expect(text, `a secret in the log: ${s.slice(0, 12)}…`).not.toContain(s);
    expect(text).not.toContain(tok.slice(0, 24)); // nor a prefix of the bearer token
    expect(text).not.toContain("evil");

    // Every line is JSON with a level and a message; no stack for any of these expected outcomes.
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((l) => "err" in l || JSON.stringify(l).includes('"stack"'))).toEqual([]);
    expect(all.filter((l) => l.msg === "Inngest step error" && l.level !== "debug")).toEqual([]);

    // One line per request, with its route template (not its path) and the id it answered with.
    const requests = all.filter((l) => l.msg === "request");
    const eventReq = requests.find((l) => l.req_id === clientId)!;
    expect(eventReq).toMatchObject({ level: "info", method: "POST", route: "/api/v1/events", status: 202 });
    expect(requests.find((l) => l.req_id === badId)).toMatchObject({ route: "/api/v1/events", status: 422 });
    expect(requests.some((l) => l.route === "/oauth/token" && l.status === 401)).toBe(true);
    expect(new Set(requests.map((l) => l.req_id)).size).toBe(requests.length);
    expect(requests.every((l) => typeof l.req_id === "string" && !("path" in l))).toBe(true);

    // The retry is an outcome at info, with the receiver's status and no body.
    const retry = all.find((l) => l.msg === "delivery attempt failed; retry scheduled" && l.endpoint_id === endpoint.id);
    expect(retry).toMatchObject({ level: "info", http_status: 500, error: "HTTP 500" });
  });
});
