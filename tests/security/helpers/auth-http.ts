// Real HTTP on loopback for the sign-in and session attacks: Auth.js's own route handlers and
// /api/v1 route handlers, served by tests/helpers/route-server.ts (the lean layer's adapter).
// Clients can connect from any 127.0.0.0/8 source address, so "another address" is a real
// socket address, not a header.
//
// Route handlers that read the session call next/headers, which needs Next's request scope;
// `inRequestScope` provides it as Next's app-route module does (see tests/api-members.test.ts).
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");

export function inRequestScope<T>(req: Request, fn: () => Promise<T>): Promise<T> {
  const url = new URL(req.url);
  // What Next's server adds to every request (Auth.js derives the cookie name from it).
  if (!req.headers.has("x-forwarded-proto")) req.headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
  const workStore = { route: url.pathname, page: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
  const requestStore = { type: "request", phase: "action", headers: req.headers, url: { pathname: url.pathname, search: url.search } };
  return workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(requestStore as never, fn));
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A route module whose handlers run inside Next's request scope. */
export function scoped(mod: Record<string, unknown>): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [method, h] of Object.entries(mod)) {
    if (typeof h === "function") out[method] = (req, ctx) => inRequestScope(req, () => (h as Handler)(req, ctx));
  }
  return out;
}

export async function serveAuth(extra: Routes = {}) {
  const auth = await import("@/app/api/auth/[...nextauth]/route");
  const routes: Routes = {};
  for (const p of ["csrf", "session", "signout", "callback/credentials"]) routes[`/api/auth/${p}`] = auth;
  return serveRoutes({ ...routes, ...extra });
}

export type HttpResult = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One HTTP request from a chosen loopback source address. */
export function request(
  origin: string,
  opts: { method?: string; path: string; from?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpResult> {
  const url = new URL(opts.path, origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? "GET",
        localAddress: opts.from ?? "127.0.0.1",
        headers: { ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
        agent: false,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** name=value pairs of the Set-Cookie headers, for sending back as a Cookie header. */
export function cookiesOf(r: HttpResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of r.headers["set-cookie"] ?? []) {
    const [pair] = c.split(";");
    const i = pair!.indexOf("=");
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

export type SignInOutcome = { outcome: "signed_in" | "invalid" | "rate_limited" | "other"; cookies: Record<string, string>; location: string };

/**
 * Signs in through Auth.js's credentials callback, as the browser form's POST would, from the
 * source address `from`: fetches a CSRF token first, then posts email and password.
 */
export async function signInOverHttp(origin: string, email: string, password: string, from = "127.0.0.1"): Promise<SignInOutcome> {
  const csrf = await request(origin, { path: "/api/auth/csrf", from });
  const jar = cookiesOf(csrf);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const body = new URLSearchParams({ email, password, csrfToken, callbackUrl: `${origin}/settings/organization/general` }).toString();
  const r = await request(origin, {
    method: "POST",
    path: "/api/auth/callback/credentials",
    from,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body,
  });
  const cookies = { ...jar, ...cookiesOf(r) };
  let location = r.headers.location ?? "";
  if (!location && r.body.startsWith("{")) location = (JSON.parse(r.body) as { url?: string }).url ?? "";
  const u = location ? new URL(location, origin) : null;
  const code = u?.searchParams.get("code");
  const outcome: SignInOutcome["outcome"] =
    u && !u.searchParams.get("error") && cookies["authjs.session-token"]
      ? "signed_in"
      : code === "rate_limited"
        ? "rate_limited"
        : code === "credentials"
          ? "invalid"
          : "other";
  return { outcome, cookies, location };
}
