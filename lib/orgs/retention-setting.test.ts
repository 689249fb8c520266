// The organization's data retention over real HTTP with console sessions: owners change it
// (audited), others cannot, bad values are refused naming the field, and null falls back to the
// server's default.
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as retentionRoute from "@/app/api/v1/organization/retention/route";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
const as: Partial<Record<Role, Record<string, string>>> = {};

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/organization/retention": inRequestScope(retentionRoute) });
  orgId = (await db.organization.create({ data: { name: "Retention" } })).id;
  for (const role of ["owner", "admin"] as const) {
    const user = await db.user.create({ data: { email: `${role}@retention.example`, name: role } });
    await db.membership.create({ data: { orgId, userId: user.id, role } });
    as[role] = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "content-type": "application/json" };
  }
});
afterAll(() => server?.close());

async function call(role: Role, method: string, body?: unknown) {
  const res = await fetch(`${server.origin}/api/v1/organization/retention`, { method, headers: as[role]!, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

it("owners set the retention (audited), admins read it, bad values name the field, null is the server's default", async () => {
  const initial = await call("admin", "GET");
  expect(initial.body).toEqual({ retention_days: null, effective_days: 30, server_default_days: 30 });

  expect((await call("admin", "PATCH", { retention_days: 7 })).status).toBe(403);
  const set = await call("owner", "PATCH", { retention_days: 7 });
  expect(set).toMatchObject({ status: 200, body: { retention_days: 7, effective_days: 7 } });
  expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).retentionDays).toBe(7);
  const audit = await db.auditEvent.findMany({ where: { orgId, action: "organization.retention_changed" } });
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ before: { retention_days: null }, after: { retention_days: 7 } });

  for (const bad of [{ retention_days: 0 }, { retention_days: 3651 }, { retention_days: 1.5 }, { retention_days: "30" }, {}]) {
    const r = await call("owner", "PATCH", bad);
    expect(r.status).toBe(422);
    expect(r.type).toBe("application/problem+json");
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(["retention_days"]);
  }
  const unknown = await call("owner", "PATCH", { retention_days: 7, days: 7 });
  expect(unknown.status).toBe(422);

  expect((await call("owner", "PATCH", { retention_days: null })).body).toEqual({ retention_days: null, effective_days: 30, server_default_days: 30 });
  expect(await db.auditEvent.count({ where: { orgId, action: "organization.retention_changed" } })).toBe(2);

  // Console only: an API token cannot change what is kept.
  const bearer = await bearerFor(server.origin, orgId, ["members:read"]);
  const r = await fetch(`${server.origin}/api/v1/organization/retention`, { method: "PATCH", headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: "{\"retention_days\":1}" });
  expect(r.status).toBe(403);
  expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).retentionDays).toBeNull();
});
