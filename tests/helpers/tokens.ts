// A real credential and a bearer token from the real token endpoint of a route server: the setup
// every API test starts with.
import { createCredential } from "@/lib/credentials/manage-credentials";

export const systemCtx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };

type Environment = "test" | "live";

/** A new credential of `orgId` with `scopes`; its secret as shown once. */
export async function clientFor(orgId: string, scopes: string[], environment: Environment = "test", name = "svc") {
  const { credential, secret } = await createCredential({
    orgId, environment, name, scopes, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx: systemCtx,
  });
  return { id: credential.id, clientId: credential.clientId, secret };
}

/** A bearer token of a new credential, from `origin`'s /oauth/token; throws unless it answers 200. */
export async function bearerFor(origin: string, orgId: string, scopes: string[], environment: Environment = "test", name = "svc"): Promise<string> {
  const c = await clientFor(orgId, scopes, environment, name);
  const r = await fetch(`${origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId, client_secret: c.secret }),
  });
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}
