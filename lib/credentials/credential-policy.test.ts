// Org credential policy over real HTTP with console sessions: owners only change it (audited); a
// new credential outside it gets 422 naming the policy and the field; credentials that existed
// before are listed as violations and left unchanged; developers create test credentials only
// when the policy lets them, and never live ones.
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as credentialsRoute from "@/app/api/v1/credentials/route";
import * as policyRoute from "@/app/api/v1/organization/credential-policy/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
const as: Partial<Record<Role, Record<string, string>>> = {};

beforeAll(async () => {
  server = await serveRoutes({
    "/api/v1/credentials": inRequestScope(credentialsRoute),
    "/api/v1/organization/credential-policy": inRequestScope(policyRoute),
  });
  orgId = (await db.organization.create({ data: { name: "Policy" } })).id;
  for (const role of ["owner", "admin", "developer"] as const) {
    const user = await db.user.create({ data: { email: `${role}@policy.example`, name: role } });
    await db.membership.create({ data: { orgId, userId: user.id, role } });
    as[role] = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "content-type": "application/json" };
  }
});
afterAll(() => server?.close());

async function call(role: Role, method: string, path: string, body?: unknown, environment = "test") {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: { ...as[role]!, "x-gatehouse-environment": environment },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const inDays = (d: number) => new Date(Date.now() + d * 86400_000).toISOString();

it("owners set the policy (audited), admins cannot; a credential outside it is refused with 422 naming the policy", async () => {
  // Created before the policy: no expiry, a scope the policy will not allow, a day-long token lifetime.
  const { credential: old } = await createCredential({
    orgId, environment: "live", name: "legacy", scopes: ["events:write"], expiresAt: null, tokenLifetimeSeconds: 86400, createdById: null, ctx,
  });

  const policy = { max_credential_lifetime_days: 30, allowed_scopes: ["members:read"], min_token_lifetime_seconds: 600, max_token_lifetime_seconds: 3600 };
  expect((await call("admin", "PATCH", "/api/v1/organization/credential-policy", policy)).status).toBe(403);
  const set = await call("owner", "PATCH", "/api/v1/organization/credential-policy", policy);
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ ...policy, developers_create_test_credentials: false });
  expect(await db.auditEvent.count({ where: { orgId, action: "organization.credential_policy_changed" } })).toBe(1);

  // Listed, not changed.
  const violation = set.body.violations.find((v: { id: string }) => v.id === old.id);
  expect(violation.policies.sort()).toEqual(["allowed_scopes", "max_credential_lifetime_days", "max_token_lifetime_seconds"]);
  const after = await db.credential.findUniqueOrThrow({ where: { id: old.id } });
  expect([after.status, after.expiresAt, after.scopes, after.tokenLifetimeSeconds]).toEqual(["active", null, ["events:write"], 86400]);

  const refused = async (body: Record<string, unknown>, field: string, policyName: string) => {
    const r = await call("admin", "POST", "/api/v1/credentials", { name: "svc", scopes: ["members:read"], expires_at: inDays(10), token_lifetime_seconds: 3600, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    const e = r.body.errors.find((x: { field: string }) => x.field === field);
    expect(e?.message).toContain(`policy: ${policyName}`);
  };
  await refused({ expires_at: null }, "expires_at", "max_credential_lifetime_days");
  await refused({ expires_at: inDays(45) }, "expires_at", "max_credential_lifetime_days");
  await refused({ scopes: ["members:read", "events:write"] }, "scopes[1]", "allowed_scopes");
  await refused({ token_lifetime_seconds: 300 }, "token_lifetime_seconds", "min_token_lifetime_seconds");
  await refused({ token_lifetime_seconds: 7200 }, "token_lifetime_seconds", "max_token_lifetime_seconds");
  const ok = await call("admin", "POST", "/api/v1/credentials", { name: "svc", scopes: ["members:read"], expires_at: inDays(29), token_lifetime_seconds: 1800 });
  expect(ok.status, JSON.stringify(ok.body)).toBe(201);

  // Leaving a field out keeps it; null removes a rule.
  const relaxed = await call("owner", "PATCH", "/api/v1/organization/credential-policy", { max_credential_lifetime_days: null });
  expect(relaxed.body).toMatchObject({ max_credential_lifetime_days: null, allowed_scopes: ["members:read"] });
  expect((await call("admin", "PATCH", "/api/v1/organization/credential-policy", { min_token_lifetime_seconds: 7200 })).status).toBe(403);
  const inverted = await call("owner", "PATCH", "/api/v1/organization/credential-policy", { min_token_lifetime_seconds: 7200 });
  expect(inverted.status).toBe(422);
});

it("developers create test credentials only when the policy lets them, and never live ones", async () => {
  await call("owner", "PATCH", "/api/v1/organization/credential-policy", {
    max_credential_lifetime_days: null, allowed_scopes: [], min_token_lifetime_seconds: null, max_token_lifetime_seconds: null,
  });
  const body = { name: "dev", scopes: ["members:read"] };
  expect((await call("developer", "POST", "/api/v1/credentials", body, "test")).status).toBe(403);
  await call("owner", "PATCH", "/api/v1/organization/credential-policy", { developers_create_test_credentials: true });
  expect((await call("developer", "POST", "/api/v1/credentials", body, "test")).status).toBe(201);
  expect((await call("developer", "POST", "/api/v1/credentials", body, "live")).status).toBe(403);
  expect((await call("admin", "POST", "/api/v1/credentials", body, "live")).status).toBe(201);
  const read = await call("developer", "GET", "/api/v1/organization/credential-policy");
  expect(read.status).toBe(200);
  expect(read.body.developers_create_test_credentials).toBe(true);
});
