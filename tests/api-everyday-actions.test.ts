// Issue 14's everyday actions over real HTTP with console sessions and a fresh database:
// - a credential is edited (name, scopes, expiry): narrowing applies from the next token, tokens
//   already issued keep theirs; the policy, roles, revoked credentials and unknown fields refuse;
// - an admin reveals an endpoint's signing secret again (audited); developers and API tokens cannot;
// - an event type's schema is edited, checked first against the type's recent events.
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as credentialRoute from "@/app/api/v1/credentials/[id]/route";
import * as credentialsRoute from "@/app/api/v1/credentials/route";
import * as eventTypeRoute from "@/app/api/v1/event-types/[name]/route";
import * as revealRoute from "@/app/api/v1/endpoints/[id]/reveal-secret/route";
import * as endpointsRoute from "@/app/api/v1/endpoints/route";
import * as introspect from "@/app/oauth/introspect/route";
import * as token from "@/app/oauth/token/route";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import type { Role } from "@/lib/generated/prisma/client";
import { createEventType } from "@/lib/webhooks/event-types";
import { serveRoutes } from "@/tests/helpers/route-server";

const sys = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
const as: Partial<Record<Role, Record<string, string>>> = {};

beforeAll(async () => {
  server = await serveRoutes({
    "/api/v1/credentials": inRequestScope(credentialsRoute),
    "/api/v1/credentials/[id]": inRequestScope(credentialRoute),
    "/api/v1/endpoints": inRequestScope(endpointsRoute),
    "/api/v1/endpoints/[id]/reveal-secret": inRequestScope(revealRoute),
    "/api/v1/event-types/[name]": inRequestScope(eventTypeRoute),
    "/oauth/token": token,
    "/oauth/introspect": introspect,
  });
  orgId = (await db.organization.create({ data: { name: "Everyday" } })).id;
  for (const role of ["owner", "admin", "developer"] as const) {
    const user = await db.user.create({ data: { email: `${role}@everyday.example`, name: role } });
    await db.membership.create({ data: { orgId, userId: user.id, role } });
    as[role] = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": orgId, "content-type": "application/json", "x-gatehouse-environment": "test" };
  }
});
afterAll(() => server?.close());

async function call(role: Role, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.origin}${path}`, { method, headers: as[role]!, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function exchange(clientId: string, secret: string) {
  const res = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }),
  });
  return { status: res.status, body: (await res.json()) as { access_token: string; scope: string } };
}

const audit = (action: string, targetId: string) => db.auditEvent.findMany({ where: { orgId, action, targetId }, orderBy: { seq: "asc" } });

describe("edit a credential", () => {
  it("renames, narrows scopes (next token only) and sets an expiry; audited with before and after", async () => {
    const created = await call("admin", "POST", "/api/v1/credentials", { name: "billing", scopes: ["events:write", "events:read", "endpoints:read"] });
    expect(created.status).toBe(201);
    const { id, client_id, client_secret } = created.body as { id: string; client_id: string; client_secret: string };
    const before = await exchange(client_id, client_secret);
    expect(before.body.scope.split(" ").sort()).toEqual(["endpoints:read", "events:read", "events:write"]);

    const expires = new Date(Date.now() + 90 * 86400_000).toISOString();
    const patched = await call("admin", "PATCH", `/api/v1/credentials/${id}`, { name: "billing v2", scopes: ["events:read"], expires_at: expires });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: "billing v2", scopes: ["events:read"], expires_at: expires });

    // The next token carries only the narrowed scope; the one issued before keeps its own.
    const after = await exchange(client_id, client_secret);
    expect(after.body.scope).toBe("events:read");
    const old = await fetch(`${server.origin}/oauth/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString("base64")}` },
      body: new URLSearchParams({ token: before.body.access_token }),
    });
    expect(((await old.json()) as { active: boolean; scope: string }).scope.split(" ")).toContain("events:write");

    const [entry] = await audit("credential.updated", id);
    expect(entry).toMatchObject({
      before: { name: "billing", scopes: ["events:write", "events:read", "endpoints:read"], expires_at: null },
      after: { name: "billing v2", scopes: ["events:read"], expires_at: expires },
    });
    // Nothing changed, nothing written.
    await call("admin", "PATCH", `/api/v1/credentials/${id}`, { name: "billing v2" });
    expect(await audit("credential.updated", id)).toHaveLength(1);
    // Removing the expiry.
    const never = await call("admin", "PATCH", `/api/v1/credentials/${id}`, { expires_at: null });
    expect(never.body.expires_at).toBeNull();
  });

  it("refuses what it must: developers, unknown scopes, past expiry, unknown fields, revoked credentials, the policy", async () => {
    const { body } = await call("admin", "POST", "/api/v1/credentials", { name: "refusals", scopes: ["events:read"] });
    const path = `/api/v1/credentials/${(body as { id: string }).id}`;
    expect((await call("developer", "PATCH", path, { name: "x" })).status).toBe(403);
    const unknown = await call("admin", "PATCH", path, { scopes: ["nope:read"] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("scopes[0]");
    expect((await call("admin", "PATCH", path, { expires_at: new Date(Date.now() - 60_000).toISOString() })).status).toBe(422);
    expect((await call("admin", "PATCH", path, { status: "active" })).status).toBe(422);
    expect((await call("admin", "PATCH", path, { scopes: [] })).status).toBe(422);

    await db.credentialPolicy.upsert({ where: { orgId }, create: { orgId, allowedScopes: ["events:read"], maxCredentialLifetimeDays: 30 }, update: {} });
    try {
      const wide = await call("admin", "PATCH", path, { scopes: ["events:read", "events:write"] });
      expect(wide.status).toBe(422);
      expect(wide.body.errors[0].message).toMatch(/policy/);
      const long = await call("admin", "PATCH", path, { expires_at: new Date(Date.now() + 365 * 86400_000).toISOString() });
      expect(long.status).toBe(422);
      // A rename is not refused for an expiry the credential already had.
      expect((await call("admin", "PATCH", path, { name: "renamed under policy" })).status).toBe(200);
    } finally {
      await db.credentialPolicy.delete({ where: { orgId } });
    }

    await db.credential.update({ where: { id: (body as { id: string }).id }, data: { status: "revoked", revokedAt: new Date() } });
    expect((await call("admin", "PATCH", path, { name: "back" })).status).toBe(409);
  });
});

describe("reveal an endpoint's signing secret", () => {
  it("admins see the same secret again, each time audited; developers and other orgs cannot", async () => {
    const created = await call("admin", "POST", "/api/v1/endpoints", { name: "reveal", url: "https://example.com/hook" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    const revealed = await call("admin", "POST", `/api/v1/endpoints/${id}/reveal-secret`, {});
    expect(revealed).toEqual({ status: 200, body: { secret } });
    expect((await call("owner", "POST", `/api/v1/endpoints/${id}/reveal-secret`, {})).body.secret).toBe(secret);
    const entries = await audit("endpoint.secret_revealed", id);
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries.map((e) => [e.before, e.after, e.targetLabel]))).not.toContain(secret.slice(6, 20));

    expect((await call("developer", "POST", `/api/v1/endpoints/${id}/reveal-secret`, {})).status).toBe(403);
    expect((await call("admin", "GET", `/api/v1/endpoints/${id}/reveal-secret`)).status).toBe(405);
    // Another organization's admin, naming this endpoint: not found, nothing audited.
    const other = await db.organization.create({ data: { name: "Other" } });
    const stranger = await db.user.create({ data: { email: "stranger@everyday.example" } });
    await db.membership.create({ data: { orgId: other.id, userId: stranger.id, role: "owner" } });
    const h = { ...(await sessionHeaders(stranger, server.origin)), "x-gatehouse-org": other.id, "content-type": "application/json", "x-gatehouse-environment": "test" };
    const res = await fetch(`${server.origin}/api/v1/endpoints/${id}/reveal-secret`, { method: "POST", headers: h, body: "{}" });
    expect(res.status).toBe(404);
    expect(await audit("endpoint.secret_revealed", id)).toHaveLength(2);
    // An API token cannot reveal (console sessions only).
    const cred = await call("admin", "POST", "/api/v1/credentials", { name: "robot", scopes: ["endpoints:write", "endpoints:read"] });
    const tok = await exchange(cred.body.client_id, cred.body.client_secret);
    const viaToken = await fetch(`${server.origin}/api/v1/endpoints/${id}/reveal-secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok.body.access_token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect([401, 403]).toContain(viaToken.status);
  });
});

describe("edit an event type's schema", () => {
  it("checks a draft against recent events without changing anything, then saves it (audited) and new events follow it", async () => {
    await createEventType({ orgId, environment: "test", name: "invoice.paid", description: "An invoice was paid", ctx: sys });
    await ingestEvent({ orgId, environment: "test", type: "invoice.paid", data: { amount: 10 }, dispatch: false });
    const bad = await ingestEvent({ orgId, environment: "test", type: "invoice.paid", data: { amount: "ten" }, dispatch: false });
    const strict = { type: "object", required: ["amount"], properties: { amount: { type: "number" } } };

    const checked = await call("developer", "PATCH", "/api/v1/event-types/invoice.paid", { schema: strict, check_only: true });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body.examples.checked).toBe(2);
    expect(checked.body.examples.failing).toEqual([{ event_id: bad.event.id, errors: [expect.objectContaining({ field: "data.amount" })] }]);
    expect(checked.body.schema).toBeNull(); // unchanged

    const saved = await call("developer", "PATCH", "/api/v1/event-types/invoice.paid", { schema: strict });
    expect(saved.status).toBe(200);
    expect(saved.body.schema).toEqual(strict);
    expect(saved.body.examples.failing).toHaveLength(1);
    const t = await db.eventType.findFirstOrThrow({ where: { orgId, environment: "test", name: "invoice.paid" } });
    expect(await audit("event_type.updated", t.id)).toHaveLength(1); // the check wrote nothing
    await expect(ingestEvent({ orgId, environment: "test", type: "invoice.paid", data: { amount: "eleven" }, dispatch: false })).rejects.toMatchObject({ status: 422 });

    // Invalid schemas are refused with the field; null removes the schema.
    const invalid = await call("developer", "PATCH", "/api/v1/event-types/invoice.paid", { schema: { type: "nonsense" } });
    expect(invalid.status).toBe(422);
    const removed = await call("developer", "PATCH", "/api/v1/event-types/invoice.paid", { schema: null });
    expect(removed.body.schema).toBeNull();
    expect((await call("developer", "PATCH", "/api/v1/event-types/no.such", { description: "x" })).status).toBe(404);
  });
});
