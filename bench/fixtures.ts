// Data the benchmarks need, made through the product's own domain functions. Import this only
// after prepareDatabase() (it loads app modules, which read the environment once).
import { randomUUID } from "node:crypto";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";

const ctx = { actor: { type: "system" as const, id: null, label: "bench" }, ip: "127.0.0.1", userAgent: "gatehouse-bench" };

export interface BenchOrg {
  orgId: string;
  /** Deletes the organization (everything hangs off it by cascade) and the users made for it. */
  remove(): Promise<void>;
}

/** An organization of its own, with `members` users, so runs on a shared PostgreSQL never meet. */
export async function createBenchOrg(name: string, members = 0): Promise<BenchOrg> {
  const org = await db.organization.create({ data: { name: `bench ${name} ${randomUUID().slice(0, 8)}` } });
  const userIds: string[] = [];
  for (let i = 0; i < members; i++) {
    const user = await db.user.create({ data: { email: `bench-${randomUUID()}@example.test`, name: `Bench member ${i + 1}` } });
    userIds.push(user.id);
    await db.membership.create({ data: { orgId: org.id, userId: user.id, role: i === 0 ? "owner" : "developer" } });
  }
  return {
    orgId: org.id,
    async remove() {
      await db.organization.delete({ where: { id: org.id } });
      if (userIds.length) await db.user.deleteMany({ where: { id: { in: userIds } } });
    },
  };
}

/** A real credential (test environment) with these scopes; returns its client id and secret. */
export async function benchCredential(orgId: string, scopes: string[], limits: { tokensPerHour?: number; tokensPerDay?: number } = {}) {
  const { credential, secret } = await createCredential({
    ...limits,
    orgId,
    environment: "test",
    name: "bench",
    scopes,
    expiresAt: null,
    tokenLifetimeSeconds: 3600,
    createdById: null,
    ctx,
  });
  return { clientId: credential.clientId, secret };
}

/** The client_secret_post form body of a client-credentials token request. */
export function tokenForm(clientId: string, secret: string): string {
  return new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }).toString();
}

/** Exchanges the credential for a bearer token at `origin`/oauth/token. */
export async function bearerToken(origin: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: tokenForm(clientId, secret),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** One request that must succeed before anything is measured (a benchmark of 401s is no benchmark). */
export async function expectStatus(url: string, init: RequestInit, status: number): Promise<void> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== status) throw new Error(`${init.method ?? "GET"} ${url}: expected ${status}, got ${res.status}: ${text.slice(0, 300)}`);
}
