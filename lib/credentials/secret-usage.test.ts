// Rotation that knows when it is finished: exchanges with the old and the new secret are told
// apart, with their addresses, on the credential's detail (GET /api/v1/credentials/{id}); an admin
// ends the grace period (POST .../end-grace-period, audited) and the old secret stops at once; a
// grace period chosen to end when unused ends after that window (clock injected, not slept).
// Over real HTTP from two loopback addresses (127.0.0.1 and 127.0.0.2).
import { flushExchangeRecords } from "@/lib/credentials/exchange-records";
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as detailRoute from "@/app/api/v1/credentials/[id]/route";
import * as endGraceRoute from "@/app/api/v1/credentials/[id]/end-grace-period/route";
import * as regenerateRoute from "@/app/api/v1/credentials/[id]/regenerate-secret/route";
import { createCredential, regenerateSecret } from "@/lib/credentials/manage-credentials";
import { endUnusedGracePeriods } from "@/lib/credentials/end-grace-period";
import { BUCKET_MS, pruneSecretUses, secretTag } from "@/lib/credentials/secret-usage";
import { sha256 } from "@/lib/credentials/hash";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let headers: Record<string, string>;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/credentials/[id]": inRequestScope(detailRoute),
    "/api/v1/credentials/[id]/end-grace-period": inRequestScope(endGraceRoute),
    "/api/v1/credentials/[id]/regenerate-secret": inRequestScope(regenerateRoute),
  });
  orgId = (await db.organization.create({ data: { name: "Usage" } })).id;
  const user = await db.user.create({ data: { email: "owner@usage.example", name: "Owner" } });
  await db.membership.create({ data: { orgId, userId: user.id, role: "owner" } });
  headers = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "x-gatehouse-environment": "test" };
});
afterAll(() => server?.close());

/** POST /oauth/token from a chosen loopback address. */
function exchange(clientId: string, secret: string, from = "127.0.0.1"): Promise<number> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }).toString();
  const url = new URL(`${server.origin}/oauth/token`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", localAddress: from, agent: false,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

type Usage = { secret: string; secret_last4: string | null; last_used_from: string | null; last_used_at: string | null; exchanges_last_hour: number; exchanges_last_day: number };

async function detail(id: string) {
  const res = await fetch(`${server.origin}/api/v1/credentials/${id}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { secret_usage: Usage[]; previous_secret_expires_at: string | null };
}

/** Recording does not hold the exchange up; wait (bounded) until the counts are there. */
async function usageOnceSettled(id: string, done: (u: Usage[]) => boolean): Promise<Usage[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const u = (await detail(id)).secret_usage;
    if (done(u) || Date.now() > deadline) return u;
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("tells exchanges with the old and the new secret apart, with where they came from, and an admin ends the grace period", async () => {
  const { credential, secret: oldSecret } = await createCredential({
    orgId, environment: "test", name: "billing", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const { secret: newSecret } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 3600, ctx });
  // The old secret from a second host, three times; the new one from the first, twice.
  for (let i = 0; i < 3; i++) expect(await exchange(credential.clientId, oldSecret, "127.0.0.2")).toBe(200);
  for (let i = 0; i < 2; i++) expect(await exchange(credential.clientId, newSecret, "127.0.0.1")).toBe(200);

  const usage = await usageOnceSettled(credential.id, (u) => u.reduce((n, s) => n + s.exchanges_last_hour, 0) === 5);
  const current = usage.find((u) => u.secret === "current")!;
  const previous = usage.find((u) => u.secret === "previous")!;
  expect(current).toMatchObject({ secret_last4: newSecret.slice(-4), last_used_from: "127.0.0.1", exchanges_last_hour: 2, exchanges_last_day: 2 });
  expect(previous).toMatchObject({ secret_last4: oldSecret.slice(-4), last_used_from: "127.0.0.2", exchanges_last_hour: 3, exchanges_last_day: 3 });
  expect(previous.last_used_at).not.toBeNull();

  // End it now: the old secret stops at once; a second call has nothing to end (409).
  const ended = await fetch(`${server.origin}/api/v1/credentials/${credential.id}/end-grace-period`, { method: "POST", headers });
  expect(ended.status).toBe(200);
  expect((await ended.json()).previous_secret_expires_at).toBeNull();
  expect(await exchange(credential.clientId, oldSecret, "127.0.0.2")).toBe(401);
  expect(await exchange(credential.clientId, newSecret, "127.0.0.1")).toBe(200);
  const again = await fetch(`${server.origin}/api/v1/credentials/${credential.id}/end-grace-period`, { method: "POST", headers });
  expect(again.status).toBe(409);
  const audit = await db.auditEvent.findMany({ where: { targetId: credential.id, action: "credential.grace_period_ended" } });
  expect(audit).toHaveLength(1);
  expect(audit[0]!.actorType).toBe("user");
  expect((await detail(credential.id)).secret_usage.map((u) => u.secret)).toEqual(["current"]);
});

it("a burst of exchanges is one row per secret, address and bucket, and every exchange is counted", async () => {
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "burst", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const statuses = await Promise.all(Array.from({ length: 120 }, () => exchange(credential.clientId, secret, "127.0.0.3")));
  expect(statuses.every((s) => s === 200)).toBe(true);
  // The bucket's first exchange is written before its answer (and every exchange of the bucket
  // waits for it): the row is there once they have answered; the other counts follow it.
  expect(await db.credentialSecretUse.count({ where: { credentialId: credential.id } })).toBeGreaterThan(0);
  await flushExchangeRecords();
  const rows = await db.credentialSecretUse.findMany({ where: { credentialId: credential.id } });
  // One row per ten-minute bucket (two only if the burst straddled a bucket boundary).
  expect(new Set(rows.map((r) => r.bucket.getTime())).size).toBe(rows.length);
  expect(rows.length).toBeLessThanOrEqual(2);
  expect(rows.reduce((n, r) => n + r.count, 0)).toBe(120);
  expect(rows.every((r) => r.bucket.getTime() % BUCKET_MS === 0 && r.ip === "127.0.0.3" && r.secretTag === secretTag(sha256(secret)))).toBe(true);
});

it("ends a grace period once the old secret has been unused for the chosen hours, and not before", async () => {
  const { credential, secret: oldSecret } = await createCredential({
    orgId, environment: "test", name: "auto", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  // Through the API: a grace period of 24 h that ends after 2 h without use of the old secret.
  const res = await fetch(`${server.origin}/api/v1/credentials/${credential.id}/regenerate-secret`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ grace_period_seconds: 86400, end_grace_when_unused_hours: 2 }),
  });
  expect(res.status).toBe(200);
  const regenerated = await res.json();
  expect(regenerated.grace_ends_when_unused_hours).toBe(2);
  const newSecret = regenerated.client_secret as string;
  expect(await exchange(credential.clientId, oldSecret)).toBe(200);
  await usageOnceSettled(credential.id, (u) => u.find((s) => s.secret === "previous")?.exchanges_last_hour === 1);
  const lastUse = (await db.credentialSecretUse.findFirstOrThrow({ where: { credentialId: credential.id } })).lastUsedAt.getTime();

  const hour = 3600_000;
  expect(await endUnusedGracePeriods(new Date(lastUse + 2 * hour - 60_000))).not.toContain(credential.id);
  expect(await exchange(credential.clientId, oldSecret)).toBe(200); // still in grace
  // That exchange counts as a use: the window starts again from it.
  await usageOnceSettled(credential.id, (u) => u.find((s) => s.secret === "previous")?.exchanges_last_hour === 2);
  const lastUse2 = (await db.credentialSecretUse.aggregate({ where: { credentialId: credential.id }, _max: { lastUsedAt: true } }))._max.lastUsedAt!.getTime();
  expect(await endUnusedGracePeriods(new Date(lastUse2 + 2 * hour - 60_000))).not.toContain(credential.id);
  expect(await endUnusedGracePeriods(new Date(lastUse2 + 2 * hour + 60_000))).toContain(credential.id);
  expect(await exchange(credential.clientId, oldSecret)).toBe(401);
  expect(await exchange(credential.clientId, newSecret)).toBe(200);
  const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: credential.id, action: "credential.grace_period_ended" } });
  expect(audit.actorType).toBe("system");
});

it("an unused old secret (never used since the regeneration) ends the window counted from the regeneration", async () => {
  const { credential } = await createCredential({
    orgId, environment: "test", name: "never", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const { credential: c } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 86400, endGraceWhenUnusedSeconds: 3600, ctx });
  const t = c.secretRegeneratedAt!.getTime();
  expect(await endUnusedGracePeriods(new Date(t + 3600_000 - 1000))).not.toContain(c.id);
  expect(await endUnusedGracePeriods(new Date(t + 3600_000 + 1000))).toContain(c.id);
  expect((await db.credential.findUniqueOrThrow({ where: { id: c.id } })).previousSecretHash).toBeNull();
});

it("buckets older than the retention period are pruned, newer ones kept", async () => {
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "prune", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const now = Date.now();
  const bucket = (t: number) => new Date(t - (t % BUCKET_MS));
  for (const [ip, age] of [["10.0.0.1", 31], ["10.0.0.2", 29]] as const) {
    const at = now - age * 86400_000;
    await db.credentialSecretUse.create({ data: { credentialId: credential.id, secretTag: secretTag(sha256(secret)), ip, bucket: bucket(at), count: 1, lastUsedAt: new Date(at) } });
  }
  expect(await pruneSecretUses({ now: new Date(now), days: 30 })).toBeGreaterThanOrEqual(1);
  const left = await db.credentialSecretUse.findMany({ where: { credentialId: credential.id } });
  expect(left.map((r) => r.ip)).toEqual(["10.0.0.2"]);
});
