// The members and invitations API as a client sees it: the route handlers called with real
// Requests, a real next-auth session cookie and a fresh PGlite.
//
// Session auth goes through next-auth's `auth()`, which reads `headers()` from next/headers and
// so needs Next's request scope. `inRequestScope` provides that scope the way Next's app-route
// module does (a work store plus a "request" work-unit store from Next's own AsyncLocalStorage
// instances); nothing of ours is mocked. If a Next upgrade changes those internals, the
// "reaches the session path" test below fails first and says so.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { lookupInvitation } from "@/lib/orgs/accept-invitation";

// Next's server installs this global before loading app code; without it Next's request-scope
// storages are inert fakes. So it is set here first, and everything that loads Next comes after.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
const { encode } = await import("next-auth/jwt");
const { authConfig } = await import("@/lib/auth/config");
const { createConsoleSession } = await import("@/lib/auth/console-sessions");
const membersRoute = await import("@/app/api/v1/members/route");
const memberIdRoute = await import("@/app/api/v1/members/[id]/route");
const invitationRoute = await import("@/app/api/v1/invitations/route");
const invitationIdRoute = await import("@/app/api/v1/invitations/[id]/route");

const ORIGIN = "http://localhost:3000";
// Over http Auth.js names the cookie without the __Secure- prefix; the name is also the JWT salt.
const SESSION_COOKIE = "authjs.session-token";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

type Handler = (req: Request, route?: { params?: Promise<{ id: string }> }) => Promise<Response>;

function inRequestScope<T>(req: Request, fn: () => Promise<T>): Promise<T> {
  const url = new URL(req.url);
  const workStore = { route: url.pathname, page: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
  const requestStore = { type: "request", phase: "action", headers: req.headers, url: { pathname: url.pathname, search: url.search } };
  return workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(requestStore as never, fn));
}

async function sessionCookie(userId: string, email: string): Promise<string> {
  // A signed-in session: its row (what sign-in creates) and the JWT that names it.
  const sid = await createConsoleSession({ userId, req: { ip: "127.0.0.1", userAgent: "vitest" } });
  const token = await encode({ token: { uid: userId, sub: userId, email, sid }, secret: authConfig().secret as string, salt: SESSION_COOKIE });
  return `${SESSION_COOKIE}=${token}`;
}

type CallOpts = {
  as?: { userId: string; email: string };
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  origin?: string | null;
  headers?: Record<string, string>;
  id?: string;
};

/** Calls a route handler the way Next would, and returns status, headers and parsed body. */
async function call(handler: Handler, method: string, path: string, opts: CallOpts = {}) {
  // What Next's server puts on every incoming request (Auth.js derives the cookie name from them).
  const headers = new Headers({ host: new URL(ORIGIN).host, "x-forwarded-proto": "http", ...opts.headers });
  if (opts.as) headers.set("cookie", await sessionCookie(opts.as.userId, opts.as.email));
  // Browsers send Origin on unsafe same-origin fetches.
  const origin = opts.origin === undefined ? ORIGIN : opts.origin;
  if (origin && method !== "GET") headers.set("origin", origin);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers.set("content-type", opts.contentType ?? "application/json");
  const req = new Request(`${ORIGIN}${path}`, { method, headers, body });
  const route = opts.id === undefined ? undefined : { params: Promise.resolve({ id: opts.id }) };
  const res = await inRequestScope(req, () => handler(req, route));
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body whose shape each test asserts on
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

let n = 0;
async function orgWith(...roles: Role[]) {
  const org = await db.organization.create({ data: { name: `Org ${++n}` } });
  const users = [];
  for (const role of roles) {
    const email = `${role}-${++n}-${randomBytes(3).toString("hex")}@example.com`;
    const user = await db.user.create({ data: { email, name: `${role} ${n}` } });
    const membership = await db.membership.create({ data: { orgId: org.id, userId: user.id, role } });
    users.push({ userId: user.id, email, membershipId: membership.id });
  }
  return { org, users };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body whose shape each test asserts on
function expectProblem(r: { status: number; headers: Headers; body: Record<string, any> | null }, status: number, code?: string) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:gatehouse:problem:/), detail: expect.any(String) });
  if (code) expect(r.body!.code).toBe(code);
  // Nothing internal leaks.
  expect(JSON.stringify(r.body)).not.toMatch(/at \w+ \(|node_modules|prisma/i);
}

describe("without a session or token", () => {
  it.each([
    ["GET", "/api/v1/members", membersRoute.GET],
    ["GET", "/api/v1/invitations", invitationRoute.GET],
    ["POST", "/api/v1/invitations", invitationRoute.POST],
  ] as const)("%s %s answers 401 problem+json with WWW-Authenticate", async (method, path, handler) => {
    const r = await call(handler as Handler, method, path, method === "POST" ? { body: { email: "x@example.com" } } : {});
    expectProblem(r, 401, "unauthorized");
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="gatehouse"');
  });

  it("answers 401 on PATCH and DELETE of a member, before looking at the body", async () => {
    const patch = await call(memberIdRoute.PATCH as Handler, "PATCH", "/api/v1/members/m1", { id: "m1", rawBody: "{not json" });
    expectProblem(patch, 401, "unauthorized");
    const del = await call(memberIdRoute.DELETE as Handler, "DELETE", "/api/v1/members/m1", { id: "m1" });
    expectProblem(del, 401, "unauthorized");
  });

  it("answers 401 invalid_token for an unknown bearer token", async () => {
    const r = await call(membersRoute.GET as Handler, "GET", "/api/v1/members", { headers: { authorization: "Bearer gat_live_nope" } });
    expectProblem(r, 401, "unauthorized");
    expect(r.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
  });

  it("refuses bearer tokens on console-only routes (members changes, invitations)", async () => {
    const r = await call(memberIdRoute.PATCH as Handler, "PATCH", "/api/v1/members/m1", {
      id: "m1",
      body: { role: "viewer" },
      headers: { authorization: "Bearer gat_live_whatever" },
    });
    expectProblem(r, 403, "forbidden");
    expect(r.body!.detail).toMatch(/only available in the console/);
  });
});

describe("with a console session", () => {
  it("reaches the session path: GET /members lists the org's members", async () => {
    const { users } = await orgWith("owner", "viewer");
    const other = await orgWith("owner");
    const r = await call(membersRoute.GET as Handler, "GET", "/api/v1/members", { as: users[1] });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body!.next_cursor).toBeNull();
    expect(r.body!.data.map((m: { email: string }) => m.email)).toEqual(users.map((u) => u.email));
    expect(r.body!.data[0]).toEqual({
      id: users[0]!.membershipId,
      user_id: users[0]!.userId,
      name: expect.any(String),
      email: users[0]!.email,
      role: "owner",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(r.body)).not.toContain(other.users[0]!.email);
  });

  it("refuses a session whose user belongs to no organization (403)", async () => {
    const { users } = await orgWith("owner", "developer");
    await db.membership.delete({ where: { id: users[1]!.membershipId } });
    const r = await call(membersRoute.GET as Handler, "GET", "/api/v1/members", { as: users[1] });
    expectProblem(r, 403, "forbidden");
    expect(r.body!.detail).toMatch(/not a member of any organization/);
  });

  describe("POST /invitations", () => {
    it("creates an invitation (201) whose invite_url is shown once and works", async () => {
      const { users } = await orgWith("owner");
      const r = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "  New.Person@Example.com ", role: "admin" },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ email: "new.person@example.com", role: "admin", status: "pending" });
      expect(r.body!.invite_url).toMatch(new RegExp(`^${ORIGIN}/invite/inv_[A-Za-z0-9_-]+$`));
      const token = String(r.body!.invite_url).split("/invite/")[1]!;
      expect(await lookupInvitation(token)).toMatchObject({ ok: true, invitation: { email: "new.person@example.com" } });

      const list = await call(invitationRoute.GET as Handler, "GET", "/api/v1/invitations", { as: users[0] });
      expect(list.status).toBe(200);
      expect(list.body!.data).toEqual([expect.objectContaining({ id: r.body!.id, email: "new.person@example.com" })]);
      expect(list.body!.data[0]).not.toHaveProperty("invite_url");
    });

    it("defaults the role to developer", async () => {
      const { users } = await orgWith("admin");
      const r = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "dev@example.com" },
      });
      expect(r.status).toBe(201);
      expect(r.body!.role).toBe("developer");
    });

    it("names each invalid field (422)", async () => {
      const { users } = await orgWith("owner");
      const r = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "not-an-email", role: "superuser" },
      });
      expectProblem(r, 422, "validation_failed");
      expect(r.body!.errors.map((e: { field: string }) => e.field).sort()).toEqual(["email", "role"]);
    });

    it("answers 409 with errors[].field = email for someone already a member", async () => {
      const { users } = await orgWith("owner", "viewer");
      const r = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: users[1]!.email },
      });
      expectProblem(r, 409, "conflict");
      expect(r.body!.errors).toEqual([{ field: "email", message: "already a member" }]);
    });

    it("rejects malformed JSON (400) and a non-JSON content type (415)", async () => {
      const { users } = await orgWith("owner");
      const bad = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", { as: users[0], rawBody: '{"email":' });
      expectProblem(bad, 400, "bad_request");
      expect(bad.body!.errors).toEqual([{ field: "(body)", message: "not valid JSON" }]);
      const form = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        rawBody: "email=x%40example.com",
        contentType: "application/x-www-form-urlencoded",
      });
      expectProblem(form, 415, "unsupported_media_type");
      expect(await db.invitation.count({ where: { orgId: (await db.membership.findUniqueOrThrow({ where: { id: users[0]!.membershipId } })).orgId } })).toBe(0);
    });

    it("refuses cross-site requests: a foreign Origin, or no Origin at all", async () => {
      const { users } = await orgWith("owner");
      const foreign = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "csrf@example.com" },
        origin: "https://evil.example",
      });
      expectProblem(foreign, 403, "forbidden");
      expect(foreign.body!.detail).toMatch(/Cross-site/);
      const none = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "csrf@example.com" },
        origin: null,
      });
      expectProblem(none, 403, "forbidden");
      expect(await db.invitation.count({ where: { email: "csrf@example.com" } })).toBe(0);
    });

    it("is for admins and owners: developers and viewers get 403, admins cannot invite owners", async () => {
      const { users } = await orgWith("owner", "admin", "developer", "viewer");
      for (const u of [users[2]!, users[3]!]) {
        const r = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", { as: u, body: { email: "x@example.com" } });
        expectProblem(r, 403, "forbidden");
        expectProblem(await call(invitationRoute.GET as Handler, "GET", "/api/v1/invitations", { as: u }), 403, "forbidden");
      }
      const owner = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[1],
        body: { email: "boss@example.com", role: "owner" },
      });
      expectProblem(owner, 403, "forbidden");
      expect(owner.body!.detail).toMatch(/Only owners/);
    });

    it("replays the same response for the same Idempotency-Key and creates one invitation", async () => {
      const { users, org } = await orgWith("owner");
      const opts = { as: users[0], body: { email: "once@example.com" }, headers: { "idempotency-key": "invite-once-1" } };
      const first = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", opts);
      const second = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", opts);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      // The invite link carries the invitation's token: a replay answers without it (secrets_omitted).
      const { invite_url, ...rest } = first.body as { invite_url: string };
      expect(invite_url).toMatch(/\/invite\//);
      expect(second.body).toEqual({ ...rest, invite_url: null, secrets_omitted: ["invite_url"] });
      expect(await db.invitation.count({ where: { orgId: org.id } })).toBe(1);
      const other = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        ...opts,
        body: { email: "twice@example.com" },
      });
      expectProblem(other, 422, "idempotency_key_reused");
    });
  });

  describe("DELETE /invitations/{id}", () => {
    it("revokes (204), then answers 409; another org's invitation is 404", async () => {
      const { users } = await orgWith("owner");
      const stranger = await orgWith("owner");
      const created = await call(invitationRoute.POST as Handler, "POST", "/api/v1/invitations", {
        as: users[0],
        body: { email: "revoke-me@example.com" },
      });
      const id = created.body!.id as string;
      const foreign = await call(invitationIdRoute.DELETE as Handler, "DELETE", `/api/v1/invitations/${id}`, { as: stranger.users[0], id });
      expectProblem(foreign, 404, "not_found");
      const r = await call(invitationIdRoute.DELETE as Handler, "DELETE", `/api/v1/invitations/${id}`, { as: users[0], id });
      expect(r.status).toBe(204);
      expect(r.body).toBeNull();
      const token = String(created.body!.invite_url).split("/invite/")[1]!;
      expect(await lookupInvitation(token)).toEqual({ ok: false, reason: "revoked" });
      expectProblem(await call(invitationIdRoute.DELETE as Handler, "DELETE", `/api/v1/invitations/${id}`, { as: users[0], id }), 409);
    });
  });

  describe("PATCH /members/{id}", () => {
    it("changes a role and records it in the audit log", async () => {
      const { users, org } = await orgWith("owner", "viewer");
      const id = users[1]!.membershipId;
      const r = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${id}`, { as: users[0], id, body: { role: "admin" } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, email: users[1]!.email, role: "admin" });
      const audit = await db.auditEvent.findMany({ where: { orgId: org.id, action: "member.role_changed" }, orderBy: { seq: "asc" } });
      expect(audit).toMatchObject([{ actorId: users[0]!.userId, actorLabel: users[0]!.email, before: { role: "viewer" }, after: { role: "admin" } }]);
    });

    it("refuses to demote the last owner with 409 and a detail the console can show", async () => {
      const { users } = await orgWith("owner");
      const id = users[0]!.membershipId;
      const r = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${id}`, { as: users[0], id, body: { role: "admin" } });
      expectProblem(r, 409, "conflict");
      expect(r.body!.detail).toBe("The last owner cannot be demoted. Make someone else an owner first.");
    });

    it("validates the role (422, errors[].field = role)", async () => {
      const { users } = await orgWith("owner", "viewer");
      const id = users[1]!.membershipId;
      const r = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${id}`, { as: users[0], id, body: { role: "root" } });
      expectProblem(r, 422, "validation_failed");
      expect(r.body!.errors).toEqual([expect.objectContaining({ field: "role" })]);
      const empty = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${id}`, { as: users[0], id, body: {} });
      expect(empty.body!.errors).toEqual([expect.objectContaining({ field: "role" })]);
    });

    it("is for admins: a developer gets 403; an admin cannot touch an owner", async () => {
      const { users } = await orgWith("owner", "admin", "developer");
      const dev = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${users[1]!.membershipId}`, {
        as: users[2],
        id: users[1]!.membershipId,
        body: { role: "viewer" },
      });
      expectProblem(dev, 403, "forbidden");
      expect(dev.body!.detail).toMatch(/needs the admin role/);
      const admin = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${users[0]!.membershipId}`, {
        as: users[1],
        id: users[0]!.membershipId,
        body: { role: "viewer" },
      });
      expectProblem(admin, 403, "forbidden");
      expect(await db.membership.findUnique({ where: { id: users[0]!.membershipId } })).toMatchObject({ role: "owner" });
    });

    it("answers 404 for a member of another organization", async () => {
      const { users } = await orgWith("owner");
      const other = await orgWith("owner", "viewer");
      const id = other.users[1]!.membershipId;
      const r = await call(memberIdRoute.PATCH as Handler, "PATCH", `/api/v1/members/${id}`, { as: users[0], id, body: { role: "admin" } });
      expectProblem(r, 404, "not_found");
    });
  });

  describe("DELETE /members/{id}", () => {
    it("removes a member (204); the removed user loses API access at once", async () => {
      const { users } = await orgWith("owner", "developer");
      const id = users[1]!.membershipId;
      const r = await call(memberIdRoute.DELETE as Handler, "DELETE", `/api/v1/members/${id}`, { as: users[0], id });
      expect(r.status).toBe(204);
      const list = await call(membersRoute.GET as Handler, "GET", "/api/v1/members", { as: users[0] });
      expect(list.body!.data.map((m: { id: string }) => m.id)).toEqual([users[0]!.membershipId]);
      expectProblem(await call(membersRoute.GET as Handler, "GET", "/api/v1/members", { as: users[1] }), 403, "forbidden");
    });

    it("refuses to remove the last owner (409)", async () => {
      const { users } = await orgWith("owner", "admin");
      const id = users[0]!.membershipId;
      const r = await call(memberIdRoute.DELETE as Handler, "DELETE", `/api/v1/members/${id}`, { as: users[0], id });
      expectProblem(r, 409, "conflict");
      expect(r.body!.detail).toMatch(/last owner cannot be removed/);
    });
  });
});
