// Attacks on session lifetime (issue 12, finding 11), over real HTTP with Auth.js's own routes:
// a session cookie copied before sign-out must stop working at once (it used to keep working for
// 12 hours: the session was a stateless JWT), and a user can end their other sessions.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";
import {
  cookieHeader,
  cookiesOf,
  inRequestScope,
  request,
  scoped,
  serveAuth,
  signInOverHttp,
} from "@/tests/security/helpers/auth-http";

const PASSWORD = "Correct-Horse-Battery-9!";
const SESSION = "authjs.session-token";
let db: Db;
let server: Awaited<ReturnType<typeof serveAuth>>;

beforeAll(async () => {
  db = await getDb();
  server = await serveAuth({
    "/api/v1/members": scoped(await import("@/app/api/v1/members/route")),
    "/api/v1/sessions": scoped(await import("@/app/api/v1/sessions/route")),
    "/api/v1/sessions/[id]": scoped(await import("@/app/api/v1/sessions/[id]/route")),
  });
});
afterAll(() => server?.close());

async function member() {
  const email = `admin-${randomBytes(4).toString("hex")}@example.com`;
  const user = await db.user.create({ data: { email, name: "Admin", passwordHash: await hashPassword(PASSWORD) } });
  const org = await db.organization.create({ data: { name: "Sessions org" } });
  await db.membership.create({ data: { orgId: org.id, userId: user.id, role: "admin" } });
  return { user, email };
}

async function signedIn(email: string, from: string) {
  const r = await signInOverHttp(server.origin, email, PASSWORD, from);
  expect(r.outcome).toBe("signed_in");
  return r.cookies;
}

const api = (path: string, cookie: string, method = "GET") =>
  request(server.origin, { path, method, headers: { cookie, ...(method === "GET" ? {} : { origin: server.origin }) } });

describe("console sessions", () => {
  it("after sign-out, a copy of the old cookie gets 401 from /api/v1 and no console", async () => {
    const { email } = await member();
    const jar = await signedIn(email, "127.0.0.7");
    const copied = `${SESSION}=${jar[SESSION]}`;
    expect((await api("/api/v1/members", copied)).status).toBe(200);

    // Sign out the way the browser does (Auth.js's signout route with its CSRF token).
    const csrf = await request(server.origin, { path: "/api/auth/csrf", headers: { cookie: cookieHeader(jar) } });
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const out = await request(server.origin, {
      method: "POST",
      path: "/api/auth/signout",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader({ ...jar, ...cookiesOf(csrf) }) },
      body: new URLSearchParams({ csrfToken }).toString(),
    });
    expect(out.status).toBe(302);

    // The copied cookie is dead: the API refuses it, and the console layout sees nobody.
    const after = await api("/api/v1/members", copied);
    expect(after.status).toBe(401);
    expect(after.headers["content-type"]).toBe("application/problem+json");
    const { getConsoleContext } = await import("@/lib/auth/session");
    const req = new Request(`${server.origin}/settings/organization/general`, { headers: { cookie: copied } });
    expect(await inRequestScope(req, () => getConsoleContext())).toBeNull();
  });

  it("lists the user's sessions and ends another one; the ended cookie stops working", async () => {
    const { email } = await member();
    const a = cookieHeader({ [SESSION]: (await signedIn(email, "127.0.0.8"))[SESSION]! });
    const b = cookieHeader({ [SESSION]: (await signedIn(email, "127.0.0.9"))[SESSION]! });
    const stranger = await member();
    const c = cookieHeader({ [SESSION]: (await signedIn(stranger.email, "127.0.0.10"))[SESSION]! });

    const list = await api("/api/v1/sessions", a);
    expect(list.status).toBe(200);
    const sessions = (JSON.parse(list.body) as { data: { id: string; ip: string; current: boolean }[] }).data;
    expect(sessions.map((s) => [s.ip, s.current]).sort()).toEqual([
      ["127.0.0.8", true],
      ["127.0.0.9", false],
    ]);
    const other = sessions.find((s) => !s.current)!;

    // Someone else cannot end it (nor learn that it exists).
    expect((await api(`/api/v1/sessions/${other.id}`, c, "DELETE")).status).toBe(404);
    expect((await api("/api/v1/members", b)).status).toBe(200);

    expect((await api(`/api/v1/sessions/${other.id}`, a, "DELETE")).status).toBe(204);
    expect((await api("/api/v1/members", b)).status).toBe(401);
    expect((await api("/api/v1/members", a)).status).toBe(200);
  });

  it("a JWT without a stored session (forged with the secret's help, or issued before sessions were stored) is refused", async () => {
    const { user, email } = await member();
    const { encode } = await import("next-auth/jwt");
    const { authConfig } = await import("@/lib/auth/config");
    const token = await encode({ token: { uid: user.id, sub: user.id, email }, secret: authConfig().secret as string, salt: SESSION });
    expect((await api("/api/v1/members", `${SESSION}=${token}`)).status).toBe(401);
  });
});
