// Finding 10: an Idempotency-Key replay of POST /api/v1/credentials (or regenerate-secret, or any
// POST that shows a secret once) returned the one-time secret again, for ever; keys were never
// pruned; and a key left in flight by a crash answered 409 for ever. Over real HTTP: a console
// session for the credential routes (session-only), real access tokens for the others.
import { AsyncLocalStorage } from "node:async_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Session auth reads Next's request scope; provided as Next's app-route module does (see
// tests/api-members.test.ts). Installed before anything loads Next.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
const { encode } = await import("next-auth/jwt");
const { authConfig } = await import("@/lib/auth/config");
const { createConsoleSession } = await import("@/lib/auth/console-sessions");
const { hashRequest, pruneIdempotencyKeys } = await import("@/lib/api/idempotency");
const { createCredential } = await import("@/lib/credentials/manage-credentials");
const { decrypt } = await import("@/lib/crypto/encryption");
const { db } = await import("@/lib/db/client");
const { serveRoutes } = await import("@/tests/helpers/route-server");
const token = await import("@/app/oauth/token/route");
const credentials = await import("@/app/api/v1/credentials/route");
const regenerate = await import("@/app/api/v1/credentials/[id]/regenerate-secret/route");
const endpoints = await import("@/app/api/v1/endpoints/route");
const rotate = await import("@/app/api/v1/endpoints/[id]/rotate-secret/route");
const inbound = await import("@/app/api/v1/inbound-webhooks/route");
const regenerateToken = await import("@/app/api/v1/inbound-webhooks/[id]/regenerate-token/route");

type Handler = (req: Request, route?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
function inRequestScope(methods: Record<string, unknown>) {
  const out: Record<string, Handler> = {};
  for (const [m, h] of Object.entries(methods)) {
    if (typeof h !== "function") continue;
    out[m] = (req, route) => {
      const url = new URL(req.url);
      const workStore = { route: url.pathname, page: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
      const requestStore = { type: "request", phase: "action", headers: req.headers, url: { pathname: url.pathname, search: url.search } };
      return workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(requestStore as never, () => (h as Handler)(req, route)));
    };
  }
  return out;
}

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: { origin: string; close: () => Promise<void> };
let orgId: string;
let cookie: string;
let tok: string;
let credentialId: string;

async function post(path: string, body: unknown, key: string, auth: "session" | "token" = "token") {
  const headers: Record<string, string> = { "content-type": "application/json", "idempotency-key": key };
  // Next's server adds X-Forwarded-Proto to every request; Auth.js picks the cookie name from it.
  if (auth === "session") Object.assign(headers, { cookie, origin: server.origin, "x-forwarded-proto": "http" });
  else headers.authorization = `Bearer ${tok}`;
  const res = await fetch(`${server.origin}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Every stored idempotency response, decrypted, as text. */
async function storedResponses(): Promise<string> {
  const rows = await db.idempotencyKey.findMany();
  return rows.map((r) => ((r.responseBody as { enc?: string } | null)?.enc ? decrypt((r.responseBody as { enc: string }).enc) : "")).join("\n");
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/credentials": inRequestScope(credentials),
    "/api/v1/credentials/[id]/regenerate-secret": inRequestScope(regenerate),
    "/api/v1/endpoints": endpoints,
    "/api/v1/endpoints/[id]/rotate-secret": rotate,
    "/api/v1/inbound-webhooks": inbound,
    "/api/v1/inbound-webhooks/[id]/regenerate-token": regenerateToken,
  });
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  const user = await db.user.create({ data: { email: "admin@example.com", name: "Admin" } });
  await db.membership.create({ data: { orgId, userId: user.id, role: "owner" } });
  // A signed-in session: its row (what sign-in creates) and the JWT that names it.
  const sid = await createConsoleSession({ userId: user.id, req: { ip: "127.0.0.1", userAgent: "vitest" } });
  const jwt = await encode({ token: { uid: user.id, sub: user.id, email: user.email, sid }, secret: authConfig().secret as string, salt: "authjs.session-token" });
  cookie = `authjs.session-token=${jwt}`;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:write", "inbound:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  credentialId = credential.id;
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
});
afterAll(async () => {
  await server.close();
});

describe("a replay never shows a one-time secret again", () => {
  it("POST /api/v1/credentials and regenerate-secret (console session)", async () => {
    const body = { name: "billing", scopes: ["events:write"], token_lifetime_seconds: 3600 };
    const first = await post("/api/v1/credentials", body, "cred-1", "session");
    expect(first.status).toBe(201);
    const secret = first.body.client_secret as string;
    expect(secret).toMatch(/^gsk_test_/);

    const replay = await post("/api/v1/credentials", body, "cred-1", "session");
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(first.body.id); // the same credential, no second one
    expect(replay.body.client_secret).toBeNull();
    expect(replay.body.secrets_omitted).toEqual(["client_secret"]);
    expect(replay.headers.get("secrets-omitted")).toBe("client_secret");
    expect(JSON.stringify(replay.body)).not.toContain(secret);

    const regen = await post(`/api/v1/credentials/${first.body.id}/regenerate-secret`, {}, "regen-1", "session");
    expect(regen.status).toBe(200);
    const newSecret = regen.body.client_secret as string;
    expect(newSecret).toMatch(/^gsk_test_/);
    const regenReplay = await post(`/api/v1/credentials/${first.body.id}/regenerate-secret`, {}, "regen-1", "session");
    expect(regenReplay.status).toBe(200);
    expect(regenReplay.body.client_secret).toBeNull();
    expect(JSON.stringify(regenReplay.body)).not.toContain(newSecret);

    // Nor is it in the database, encrypted or not.
    const stored = await storedResponses();
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(newSecret);
  });

  it("endpoint signing secrets and inbound tokens (access token)", async () => {
    const ep = await post("/api/v1/endpoints", { name: "hook", url: "https://example.com/hook" }, "ep-1");
    expect(ep.status).toBe(201);
    expect(ep.body.secret).toMatch(/^whsec_/);
    const epReplay = await post("/api/v1/endpoints", { name: "hook", url: "https://example.com/hook" }, "ep-1");
    expect(epReplay).toMatchObject({ status: 201, body: { id: ep.body.id, secret: null, secrets_omitted: ["secret"] } });

    const rot = await post(`/api/v1/endpoints/${ep.body.id}/rotate-secret`, {}, "rot-1");
    expect(rot.body.secret).toMatch(/^whsec_/);
    expect((await post(`/api/v1/endpoints/${ep.body.id}/rotate-secret`, {}, "rot-1")).body.secret).toBeNull();

    const inb = await post("/api/v1/inbound-webhooks", { name: "stripe", handler: "store" }, "in-1");
    expect(inb.status).toBe(201);
    expect(inb.body.token).toMatch(/^gin_test_/);
    const inbReplay = await post("/api/v1/inbound-webhooks", { name: "stripe", handler: "store" }, "in-1");
    expect(inbReplay.body).toMatchObject({ id: inb.body.id, token: null });
    const regen = await post(`/api/v1/inbound-webhooks/${inb.body.id}/regenerate-token`, {}, "in-regen-1");
    expect(regen.body.token).toMatch(/^gin_test_/);
    expect((await post(`/api/v1/inbound-webhooks/${inb.body.id}/regenerate-token`, {}, "in-regen-1")).body.token).toBeNull();

    const stored = await storedResponses();
    for (const s of [ep.body.secret, rot.body.secret, inb.body.token, regen.body.token]) expect(stored).not.toContain(s as string);
  });
});

describe("keys expire after 24 hours", () => {
  it("an expired key is a new request, and expired records are pruned", async () => {
    const a = await post("/api/v1/endpoints", { name: "old", url: "https://example.com/old" }, "exp-1");
    expect(a.status).toBe(201);
    // Within 24 h the same key with another body is refused.
    expect((await post("/api/v1/endpoints", { name: "new", url: "https://example.com/new" }, "exp-1")).status).toBe(422);
    await db.idempotencyKey.updateMany({ where: { key: "exp-1" }, data: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
    const b = await post("/api/v1/endpoints", { name: "new", url: "https://example.com/new" }, "exp-1");
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.secret).toMatch(/^whsec_/);

    // Old records go: on the next claim (a batch) and by the hourly job.
    await db.idempotencyKey.updateMany({ where: { key: { in: ["ep-1", "rot-1"] } }, data: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
    await post("/api/v1/endpoints", { name: "any", url: "https://example.com/any" }, "exp-2");
    expect(await db.idempotencyKey.count({ where: { key: { in: ["ep-1", "rot-1"] } } })).toBe(0);
    await db.idempotencyKey.updateMany({ where: { key: "in-1" }, data: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
    expect(await pruneIdempotencyKeys()).toBe(1);
    expect(await db.idempotencyKey.count({ where: { createdAt: { lt: new Date(Date.now() - 24 * 3600_000) } } })).toBe(0);
  });
});

describe("a key left in flight by a crash", () => {
  it("is taken over once its claim is stale; a fresh one still answers 409", async () => {
    const path = "/api/v1/endpoints";
    const body = { name: "crash", url: "https://example.com/crash" };
    const scope = `${orgId}:test:c:${credentialId}`;
    const requestHash = hashRequest("POST", path, JSON.stringify(body));
    // What a process that crashed mid-request leaves behind.
    await db.idempotencyKey.create({ data: { scope, key: "crash-1", requestHash, responseStatus: 0, createdAt: new Date(Date.now() - 10_000) } });
    const busy = await post(path, body, "crash-1");
    expect(busy.status).toBe(409);
    expect(busy.headers.get("retry-after")).toBe("1");

    await db.idempotencyKey.updateMany({ where: { key: "crash-1" }, data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    const retried = await post(path, body, "crash-1");
    expect(retried.status).toBe(201);
    expect(retried.body.secret).toMatch(/^whsec_/);
    // And from then on it replays, without the secret.
    expect((await post(path, body, "crash-1")).body).toMatchObject({ id: retried.body.id, secret: null });
  });
});
