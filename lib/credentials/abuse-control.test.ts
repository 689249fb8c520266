// Issuance quotas and wrong-secret lockout at /oauth/token, attacked over real HTTP from several
// loopback addresses (127.0.0.1 is the legitimate client's host, 127.0.0.2 a hostile one):
// - a quota gives 429 + Retry-After (RFC 6749 JSON) at the N+1th token, and N parallel exchanges
//   against a quota of Q give exactly Q tokens;
// - a hostile client hammering wrong secrets locks the client ID out (growing delay, audited) for
//   unknown addresses, but never the right secret from the legitimate client's known address;
//   an admin clears the lockout (API, audited).
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import http from "node:http";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as detailRoute from "@/app/api/v1/credentials/[id]/route";
import * as clearRoute from "@/app/api/v1/credentials/[id]/clear-lockout/route";
import * as credentialsRoute from "@/app/api/v1/credentials/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { forgetTokens } from "@/lib/credentials/token-cache";
import { CLIENT_LOCKOUT } from "@/lib/credentials/lockout";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let headers: Record<string, string>;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/credentials": inRequestScope(credentialsRoute),
    "/api/v1/credentials/[id]": inRequestScope(detailRoute),
    "/api/v1/credentials/[id]/clear-lockout": inRequestScope(clearRoute),
  });
  orgId = (await db.organization.create({ data: { name: "Abuse" } })).id;
  const user = await db.user.create({ data: { email: "owner@abuse.example", name: "Owner" } });
  await db.membership.create({ data: { orgId, userId: user.id, role: "owner" } });
  headers = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "x-gatehouse-environment": "test" };
});
afterAll(() => server?.close());

type Answer = { status: number; retryAfter: string | undefined; contentType: string | undefined; body: Record<string, unknown> };

/** POST /oauth/token from a chosen loopback address. */
function exchange(clientId: string, secret: string, from = "127.0.0.1"): Promise<Answer> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }).toString();
  const url = new URL(`${server.origin}/oauth/token`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", localAddress: from, agent: false,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            retryAfter: res.headers["retry-after"] as string | undefined,
            contentType: res.headers["content-type"],
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function detail(id: string) {
  const res = await fetch(`${server.origin}/api/v1/credentials/${id}`, { headers });
  expect(res.status).toBe(200);
  return res.json();
}

const newCredential = (name: string, extra: { tokensPerHour?: number; tokensPerDay?: number } = {}) =>
  createCredential({ orgId, environment: "test", name, scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx, ...extra });

it("a quota set through the API gives 429 + Retry-After at the N+1th token, in the OAuth error format", async () => {
  const created = await fetch(`${server.origin}/api/v1/credentials`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ name: "quota", scopes: ["members:read"], tokens_per_hour: 3 }),
  });
  expect(created.status).toBe(201);
  const c = await created.json();
  expect(c.tokens_per_hour).toBe(3);
  for (let i = 0; i < 3; i++) expect((await exchange(c.client_id, c.client_secret)).status).toBe(200);
  const refused = await exchange(c.client_id, c.client_secret);
  expect(refused.status).toBe(429);
  expect(refused.contentType).toMatch(/^application\/json/);
  expect(refused.body.error).toBe("rate_limited");
  expect(refused.body.error_description).toMatch(/quota of 3 tokens per hour/);
  const retry = Number(refused.retryAfter);
  expect(retry).toBeGreaterThan(0);
  expect(retry).toBeLessThanOrEqual(3600);
  const d = await detail(c.id);
  expect(d.issued).toEqual({ this_hour: 3, today: 3 });

  // Raising the quota (PATCH, audited) lets the next one through.
  const patched = await fetch(`${server.origin}/api/v1/credentials/${c.id}`, {
    method: "PATCH",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ tokens_per_hour: 4 }),
  });
  expect(patched.status).toBe(200);
  expect((await exchange(c.client_id, c.client_secret)).status).toBe(200);
  expect((await exchange(c.client_id, c.client_secret)).status).toBe(429);
  expect(await db.auditEvent.count({ where: { targetId: c.id, action: "credential.quota_changed" } })).toBe(1);
});

it("the quota holds under concurrency: 40 parallel exchanges against a quota of 7 give exactly 7 tokens", async () => {
  const { credential, secret } = await newCredential("parallel", { tokensPerHour: 100, tokensPerDay: 7 });
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => exchange(credential.clientId, secret, `127.0.0.${1 + (i % 3)}`)));
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(7);
  expect(statuses.filter((s) => s === 429)).toHaveLength(33);
  for (const a of answers.filter((x) => x.status === 429)) {
    expect(a.body.error_description).toMatch(/per day/);
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
  }
  // Token rows are written behind the answers (signed tokens, lib/credentials/exchange-records.ts):
  // wait for them, bounded, then they number exactly the tokens handed out.
  await vi.waitFor(async () => expect(await db.accessToken.count({ where: { credentialId: credential.id } })).toBe(7), { timeout: 10_000, interval: 100 });
});

it("a hostile client hammering wrong secrets locks the client ID out, but not the right secret from its known address", async () => {
  const { credential, secret } = await newCredential("target");
  // The legitimate client has used it from 127.0.0.1 before.
  expect((await exchange(credential.clientId, secret, "127.0.0.1")).status).toBe(200);
  await waitFor(async () => (await db.credentialSecretUse.count({ where: { credentialId: credential.id, ip: "127.0.0.1" } })) > 0);

  const wrong = secret.slice(0, -8) + "AAAAAAAA"; // well-formed prefix, wrong secret
  const hostile: Answer[] = [];
  for (let i = 0; i < 25; i++) {
    hostile.push(await exchange(credential.clientId, wrong, "127.0.0.2"));
    // The legitimate client keeps working throughout, from its known address.
    if (i % 5 === 4) expect((await exchange(credential.clientId, secret, "127.0.0.1")).status).toBe(200);
  }
  const firstHeld = hostile.findIndex((a) => a.status === 429);
  expect(firstHeld).toBe(CLIENT_LOCKOUT.free); // free wrong tries are 401s, then it is held back
  expect(hostile.slice(0, firstHeld).every((a) => a.status === 401)).toBe(true);
  expect(hostile.slice(firstHeld).every((a) => a.status === 429 && Number(a.retryAfter) > 0 && a.body.error === "rate_limited")).toBe(true);

  const locked = await db.credential.findUniqueOrThrow({ where: { id: credential.id } });
  expect(locked.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  expect(await db.auditEvent.count({ where: { targetId: credential.id, action: "credential.locked_out" } })).toBe(1);
  expect((await detail(credential.id)).locked_until).not.toBeNull();

  // Even the right secret from an address it was never used from is held back...
  const elsewhere = await exchange(credential.clientId, secret, "127.0.0.3");
  expect(elsewhere.status).toBe(429);
  expect(elsewhere.body.error_description).toMatch(/locked out/);
  // ...and the known address still gets tokens.
  expect((await exchange(credential.clientId, secret, "127.0.0.1")).status).toBe(200);

  // Growing delay: once the first delay has passed, the next wrong secret locks it for twice as long.
  const lockedAt = async () =>
    (await db.auditEvent.findFirstOrThrow({ where: { targetId: credential.id, action: "credential.locked_out" }, orderBy: { seq: "desc" } })).createdAt.getTime();
  const firstDelay = locked.lockedUntil!.getTime() - (await lockedAt());
  await db.$executeRaw`UPDATE "SignInThrottle" SET "blockedUntil" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE "key" = ${`oauth:client:${credential.id}`}`;
  await db.credential.update({ where: { id: credential.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
  forgetTokens();
  expect((await exchange(credential.clientId, wrong, "127.0.0.2")).status).toBe(401);
  const relocked = await db.credential.findUniqueOrThrow({ where: { id: credential.id } });
  const secondDelay = relocked.lockedUntil!.getTime() - (await lockedAt());
  expect(Math.round(firstDelay / 1000)).toBe(CLIENT_LOCKOUT.baseSeconds);
  expect(Math.round(secondDelay / 1000)).toBe(CLIENT_LOCKOUT.baseSeconds * 2);
  expect(await db.auditEvent.count({ where: { targetId: credential.id, action: "credential.locked_out" } })).toBe(2);

  // The admin clears it (audited): the right secret works from anywhere again.
  const cleared = await fetch(`${server.origin}/api/v1/credentials/${credential.id}/clear-lockout`, { method: "POST", headers });
  expect(cleared.status).toBe(200);
  expect((await cleared.json()).locked_until).toBeNull();
  expect((await exchange(credential.clientId, secret, "127.0.0.3")).status).toBe(200);
  expect(await db.auditEvent.count({ where: { targetId: credential.id, action: "credential.lockout_cleared" } })).toBe(1);
  const again = await fetch(`${server.origin}/api/v1/credentials/${credential.id}/clear-lockout`, { method: "POST", headers });
  expect(again.status).toBe(409);
});

it("wrong secrets from the known address are held back on their own bucket, without locking the client ID", async () => {
  const { credential, secret } = await newCredential("sloppy");
  expect((await exchange(credential.clientId, secret, "127.0.0.1")).status).toBe(200);
  await waitFor(async () => (await db.credentialSecretUse.count({ where: { credentialId: credential.id } })) > 0);
  const wrong = secret.slice(0, -8) + "BBBBBBBB";
  const answers: number[] = [];
  for (let i = 0; i < 25; i++) answers.push((await exchange(credential.clientId, wrong, "127.0.0.1")).status);
  expect(answers.slice(0, 20).every((s) => s === 401)).toBe(true);
  expect(answers.slice(20).every((s) => s === 429)).toBe(true);
  expect((await db.credential.findUniqueOrThrow({ where: { id: credential.id } })).lockedUntil).toBeNull();
  // The right secret still works from there, and from elsewhere (the client ID is not locked).
  expect((await exchange(credential.clientId, secret, "127.0.0.1")).status).toBe(200);
  expect((await exchange(credential.clientId, secret, "127.0.0.4")).status).toBe(200);
});

it("hints 'cache your token' when one address mints far more tokens than their lifetime needs", async () => {
  const { credential, secret } = await newCredential("chatty");
  for (let i = 0; i < 9; i++) expect((await exchange(credential.clientId, secret, "127.0.0.5")).status).toBe(200);
  await waitFor(async () => (await db.credentialSecretUse.aggregate({ where: { credentialId: credential.id }, _sum: { count: true } }))._sum.count === 9);
  expect((await detail(credential.id)).cache_hint).toBeNull();
  expect((await exchange(credential.clientId, secret, "127.0.0.5")).status).toBe(200);
  await waitFor(async () => (await db.credentialSecretUse.aggregate({ where: { credentialId: credential.id }, _sum: { count: true } }))._sum.count === 10);
  expect((await detail(credential.id)).cache_hint).toEqual({ address: "127.0.0.5", exchanges_last_hour: 10, token_lifetime_seconds: 3600 });
});

async function waitFor(check: () => Promise<boolean>) {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
