// Shared by the tests/security files: a real org, a real credential and a bearer token from the
// real token endpoint of a route server.
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";

export const systemCtx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };

export async function newOrg(name = "Acme"): Promise<string> {
  return (await db.organization.create({ data: { name } })).id;
}

export async function clientFor(orgId: string, scopes: string[], environment: "test" | "live" = "test") {
  const { credential, secret } = await createCredential({
    orgId, environment, name: "svc", scopes, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx: systemCtx,
  });
  return { clientId: credential.clientId, secret };
}

export async function bearerFor(origin: string, orgId: string, scopes: string[]): Promise<string> {
  const c = await clientFor(orgId, scopes);
  const r = await fetch(`${origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId, client_secret: c.secret }),
  });
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}
