// Three Gatehouse processes on one PostgreSQL behind a round-robin proxy must behave as one
// service: a revocation made through (or next to) one process is refused by every other on the
// next request, and the rate limits and the sign-in throttle count every process's requests together.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { ACCOUNT } from "@/lib/auth/throttle";
import { createCredential, regenerateSecret, revokeCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { awayFromWindowEnd, onPostgres, SKIP_REASON, startCluster, startNode, type Cluster } from "@/tests/scale-out/cluster";
import { readAccessToken } from "@/lib/credentials/signed-token";
import { signInOverHttp } from "@/tests/security/helpers/auth-http";

const ctx = { actor: { type: "system" as const, id: null, label: "scale-out test" }, ip: "127.0.0.1", userAgent: "vitest" };
const TOKEN_LIMIT = 40;
const NODES = 3;

describe.skipIf(!onPostgres)(`three processes on one PostgreSQL (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, () => {
  let cluster: Cluster;
  let orgId: string;

  beforeAll(async () => {
    orgId = (await db.organization.create({ data: { name: "Scale-out" } })).id;
    cluster = await startCluster(NODES, {
      GATEHOUSE_TOKEN_RATE_LIMIT: String(TOKEN_LIMIT),
      // Sign-in too: one AUTH_SECRET, as every process of a deployment has.
      GATEHOUSE_TEST_AUTH: "1",
      AUTH_SECRET: randomBytes(32).toString("base64"),
    });
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  });

  async function credential() {
    return createCredential({ orgId, environment: "test", name: "svc", scopes: ["members:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx });
  }

  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

  async function exchange(origin: string, clientId: string, secret: string): Promise<Response> {
    return fetch(`${origin}/oauth/token`, form({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }));
  }

  async function tokenFor(clientId: string, secret: string): Promise<string> {
    const res = await exchange(cluster.origin, clientId, secret);
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /** One bearer call on each process directly: fills every process's 1-second token memory. */
  async function callEach(token: string): Promise<number[]> {
    return Promise.all(
      cluster.nodes.map(async (n) => (await fetch(`${n.origin}/api/v1/members`, { headers: { authorization: `Bearer ${token}` } })).status),
    );
  }

  /** The next `n` calls through the round-robin proxy, in order, and which process answered each. */
  async function viaProxy(token: string, n = NODES): Promise<{ status: number; node: string | null }[]> {
    const out: { status: number; node: string | null }[] = [];
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${cluster.origin}/api/v1/members`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      out.push({ status: r.status, node: r.headers.get("x-scale-node") });
    }
    return out;
  }

  it("a token revoked through one process is refused by every process on the next request", async () => {
    const { credential: c, secret } = await credential();
    for (let round = 0; round < 3; round++) {
      const token = await tokenFor(c.clientId, secret);
      expect(await callEach(token)).toEqual(Array(NODES).fill(200)); // each process now remembers it
      const revoke = await fetch(`${cluster.origin}/oauth/revoke`, form({ token, client_id: c.clientId, client_secret: secret }));
      expect(revoke.status).toBe(200);
      const after = await viaProxy(token);
      expect(new Set(after.map((a) => a.node)).size).toBe(NODES); // every process was asked
      expect(after.map((a) => a.status)).toEqual(Array(NODES).fill(401));
    }
  });

  it("a token issued by one process works on every other at once, and revoked through another before its row is written, is refused everywhere", async () => {
    const { credential: c, secret } = await credential();
    for (let round = 0; round < 3; round++) {
      const [a, b] = [cluster.nodes[round % NODES]!, cluster.nodes[(round + 1) % NODES]!];
      // Sealed tokens need no row to work: every process accepts it right after the answer.
      const issued = await exchange(a.origin, c.clientId, secret);
      expect(issued.status).toBe(200);
      const token = ((await issued.json()) as { access_token: string }).access_token;
      expect(await callEach(token)).toEqual(Array(NODES).fill(200));
      // Revoked through another process at once (the issuer writes the row behind its answer).
      const revoke = await fetch(`${b.origin}/oauth/revoke`, form({ token, client_id: c.clientId, client_secret: secret }));
      expect(revoke.status).toBe(200);
      expect(await callEach(token)).toEqual(Array(NODES).fill(401));
      // Once the issuer has written its rows (a later token's row is written with or after this
      // one's), the revocation still holds: its write does not undo it.
      const id = readAccessToken(token)!.id;
      const later = await exchange(a.origin, c.clientId, secret);
      const laterId = readAccessToken(((await later.json()) as { access_token: string }).access_token)!.id;
      for (let i = 0; i < 200 && !(await db.accessToken.findUnique({ where: { id: laterId } })); i++) await new Promise((r) => setTimeout(r, 25));
      expect(await db.accessToken.findUnique({ where: { id: laterId } })).not.toBeNull();
      expect((await db.accessToken.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
      expect(await callEach(token)).toEqual(Array(NODES).fill(401));
    }
  });

  it("one issuance quota across all processes, and a process killed with kill -9 right after answering loses nothing its client was promised", async () => {
    await awayFromWindowEnd(15, 3600_000);
    const QUOTA = 12;
    const { credential: c, secret } = await createCredential({
      orgId, environment: "test", name: "quota", scopes: ["members:read"], expiresAt: null, tokenLifetimeSeconds: 3600, tokensPerHour: QUOTA, createdById: null, ctx,
    });
    // A fourth process: it issues one token and is killed at once.
    const doomed = await startNode(NODES, { GATEHOUSE_TOKEN_RATE_LIMIT: String(TOKEN_LIMIT) });
    try {
      const res = await fetch(`${doomed.origin}/oauth/token`, form({ grant_type: "client_credentials", client_id: c.clientId, client_secret: secret }));
      expect(res.status).toBe(200);
      doomed.process.kill("SIGKILL");
      const token = ((await res.json()) as { access_token: string }).access_token;
      // The token works on every other process; the exchange's use (which secret, from where) was
      // recorded before the answer; the quota it took stays taken.
      expect(await callEach(token)).toEqual(Array(NODES).fill(200));
      expect(await db.credentialSecretUse.count({ where: { credentialId: c.id } })).toBe(1);
      const statuses: number[] = [];
      for (let i = 0; i < 2 * QUOTA; i += 6) {
        statuses.push(...(await Promise.all(Array.from({ length: 6 }, async () => {
          const r = await exchange(cluster.origin, c.clientId, secret);
          await r.arrayBuffer();
          return r.status;
        }))));
      }
      // Exactly the quota across the four processes (under 200 a quota is taken exchange by exchange).
      expect(statuses.filter((s) => s === 200).length).toBe(QUOTA - 1);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    } finally {
      if (doomed.process.exitCode === null && doomed.process.signalCode === null) doomed.process.kill("SIGKILL");
    }
  });

  it("a credential revoked or given a new secret by another process is refused everywhere at once", async () => {
    const { credential: c, secret } = await credential();
    const token = await tokenFor(c.clientId, secret);
    // The credential row is remembered by the token endpoint of every process, too.
    for (const n of cluster.nodes) expect((await exchange(n.origin, c.clientId, secret)).status).toBe(200);
    // A new secret with no grace period: the old one stops working on every process.
    await regenerateSecret({ orgId, environment: "test", id: c.id, graceSeconds: 0, ctx });
    for (const n of cluster.nodes) expect((await exchange(n.origin, c.clientId, secret)).status).toBe(401);

    expect(await callEach(token)).toEqual(Array(NODES).fill(200));
    // Revoked here, in the test's own process (as the console's process would): every API process refuses.
    await revokeCredential({ orgId, environment: "test", id: c.id, ctx });
    expect(await callEach(token)).toEqual(Array(NODES).fill(401));
  });

  it("one token rate limit across all processes", async () => {
    await awayFromWindowEnd(15);
    const { credential: c, secret } = await credential();
    const statuses: number[] = [];
    const nodes = new Set<string | null>();
    // 2× the limit, 8 at a time, round robin over the three processes.
    for (let i = 0; i < 2 * TOKEN_LIMIT; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const r = await exchange(cluster.origin, c.clientId, secret);
          nodes.add(r.headers.get("x-scale-node"));
          if (r.status === 429) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
          await r.arrayBuffer();
          return r.status;
        }),
      );
      statuses.push(...batch);
    }
    expect(nodes.size).toBe(NODES);
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Within 10% of the limit (exactly the limit, as the counter is one row).
    expect(ok).toBeGreaterThanOrEqual(TOKEN_LIMIT * 0.9);
    expect(ok).toBeLessThanOrEqual(TOKEN_LIMIT * 1.1);
  });

  it("one inbound limit per webhook across all processes", async () => {
    await awayFromWindowEnd(15);
    const limit = 30;
    const { webhook, token } = await createInboundWebhook({ orgId, environment: "test", name: "limited", handler: "store", rateLimitPerMinute: limit, ctx });
    const statuses: number[] = [];
    for (let i = 0; i < 2 * limit; i += 6) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 6 }, async () => {
            const r = await fetch(`${cluster.origin}/in/${webhook.id}`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: "{}",
            });
            await r.arrayBuffer();
            return r.status;
          }),
        )),
      );
    }
    const accepted = statuses.filter((s) => s === 202).length;
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    expect(accepted).toBeGreaterThanOrEqual(limit * 0.9);
    expect(accepted).toBeLessThanOrEqual(limit * 1.1);
    expect(await db.inboundMessage.count({ where: { webhookId: webhook.id } })).toBe(accepted);
  });

  it("one sign-in throttle across all processes: 20 parallel wrong passwords, only the account's free tries checked", async () => {
    const email = `scale-${randomBytes(4).toString("hex")}@example.com`;
    const password = "Correct-Horse-Battery-9!";
    await db.user.create({ data: { email, name: "Scale", passwordHash: await hashPassword(password) } });
    // Round robin: each sign-in is two requests (CSRF token, then the callback), spread over all processes.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signInOverHttp(cluster.origin, email, `wrong-guess-${i}`)));
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    expect(count("other")).toBe(0);
    expect(count("signed_in")).toBe(0);
    // Each process on its own would check ACCOUNT.free guesses: together they check ACCOUNT.free.
    expect(count("invalid")).toBe(ACCOUNT.free);
    expect(count("rate_limited")).toBe(20 - ACCOUNT.free);
    // The right password now waits too, on every process.
    for (let i = 0; i < NODES; i++) expect((await signInOverHttp(cluster.origin, email, password)).outcome).toBe("rate_limited");
  });
});
