// A signed-in console session for tests that call session-only routes over HTTP: the session row
// sign-in creates and the JWT cookie that names it, and route handlers run inside Next's request
// scope as Next's app-route module runs them (see tests/api-members.test.ts). Import this module
// before anything that loads Next.
import { AsyncLocalStorage } from "node:async_hooks";

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
const { encode } = await import("next-auth/jwt");
const { authConfig } = await import("@/lib/auth/config");
const { createConsoleSession } = await import("@/lib/auth/console-sessions");

type Handler = (req: Request, route?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** A route module whose handlers run in Next's request scope. */
export function inRequestScope(methods: object): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [m, h] of Object.entries(methods)) {
    if (typeof h !== "function") continue;
    out[m] = (req, route) => {
      const url = new URL(req.url);
      const workStore = { route: url.pathname, page: url.pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
      const requestStore = { type: "request", phase: "action", headers: req.headers, url: { pathname: url.pathname, search: url.search } };
      return workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(requestStore as never, () => (h as Handler)(req, route)));
    };
  }
  return out;
}

/** Headers of a console request by this user: session cookie, Origin (unsafe methods check it). */
export async function sessionHeaders(user: { id: string; email: string }, origin: string): Promise<Record<string, string>> {
  const sid = await createConsoleSession({ userId: user.id, req: { ip: "127.0.0.1", userAgent: "vitest" } });
  const jwt = await encode({ token: { uid: user.id, sub: user.id, email: user.email, sid }, secret: authConfig().secret as string, salt: "authjs.session-token" });
  // Next's server adds X-Forwarded-Proto to every request; Auth.js picks the cookie name from it.
  return { cookie: `authjs.session-token=${jwt}`, origin, "x-forwarded-proto": "http" };
}
