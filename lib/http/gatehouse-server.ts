// The production HTTP server (started by server.ts, `npm start`): one Node process, two layers in
// front of the same lib/.
//
// - A lean layer answers the machine-facing hot paths straight from their route handlers in
//   app/: the OAuth endpoints, /api/v1 calls made with a bearer token, the incoming-webhook URLs
//   (/in/…) and the embedded Inngest executor's calls (/api/inngest). API clients hit these
//   thousands of times a second, they need nothing of Next.js (no pages, no session cookies),
//   and a Next.js route handler costs about ten times a plain Node one on them (bench/README.md).
// - Everything else (the console, sign-in, /api/v1 calls with a console session) goes to Next.js.
//
// The same handler answers a request on either layer; the lean layer only changes where it
// enters. (The OAuth endpoints also carry a `plain` form of their handler, which the lean layer
// calls without building a web Request: node-adapter.ts. Same core, same bytes on the wire.)
// `npm run dev` (`next dev`) serves everything through Next.js.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { env } from "@/lib/env";
import { createEdge, createEdgeServer, type EdgeOptions, type ServerTimeouts } from "@/lib/http/edge";
import { findLeanRoutes, isLeanRequest, leanBodyLimit, type LeanRoute } from "@/lib/http/lean-routes";
import { matchSegments, sendWebResponse, serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";
import { compileRouteTemplates, findAppRouteTemplates } from "@/lib/http/route-templates";
import { currentRequest } from "@/lib/observability/log";
import { runtime } from "@/lib/runtime/runtime";

// Next.js installs this global when its server loads; a route module loaded before that would
// keep a stand-in that throws. Set it first, as Next.js would.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;

export type GatehouseServer = { server: Server; port: number; origin: string; close(): Promise<void> };

/**
 * Listens on `port` (0: any free one), then prepares Next.js from the build in `dir`/.next, which
 * runs instrumentation.ts (migrations, the delivery dispatcher, the embedded executor, which is
 * told this port through PORT). Requests that arrive meanwhile wait for it.
 */
export async function startGatehouseServer(opts: {
  dir: string;
  port: number;
  hostname?: string;
  /** Trusted proxies and public URL; default from GATEHOUSE_TRUSTED_PROXIES and GATEHOUSE_PUBLIC_URL. */
  edge?: EdgeOptions;
  timeouts?: ServerTimeouts;
}): Promise<GatehouseServer> {
  const edge = createEdge(opts.edge ?? { trustedProxies: env().GATEHOUSE_TRUSTED_PROXIES, publicUrl: env().GATEHOUSE_PUBLIC_URL });
  const routes: (LeanRoute & { segments: string[]; module?: Promise<Record<string, unknown>> })[] = findLeanRoutes(
    path.join(opts.dir, "app"),
  )
    // Catch-alls ([...rest]) stay with Next.js; the lean layer answers unknown /api/v1 paths below.
    .filter((r) => !r.pattern.includes("[..."))
    .map((r) => ({ ...r, segments: r.pattern.split("/") }));
  // What Next.js answers is named by its route template in logs and metrics (route-templates.ts).
  const templates = compileRouteTemplates(findAppRouteTemplates(path.join(opts.dir, "app")));
  let nextHandle: ((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => Promise<void>) | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  let port = opts.port;

  const server = createEdgeServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const lean = isLeanRequest(pathname, req.headers.authorization);
    // Client address and origin from trusted sources only, malformed requests refused (edge.ts).
    if (!edge.admit(req, res, { checkActionOrigin: !lean })) return;
    const ctx = currentRequest();
    const toNext = () => {
      if (ctx) {
        ctx.route = templates.templateOf(pathname);
        res.setHeader("x-request-id", ctx.requestId);
      }
      return nextHandle ? nextHandle(req, res) : ready.then(() => nextHandle!(req, res));
    };
    if (lean) {
      const segments = pathname.split("/");
      for (const r of routes) {
        const params = matchSegments(r.segments, segments);
        if (!params) continue;
        if (ctx) ctx.route = r.pattern;
        void (async () => {
          const mod = await (r.module ??= import(pathToFileURL(r.file).href));
          const method = req.method ?? "GET";
          const handler = mod[method] as RouteHandler | undefined;
          if (typeof handler !== "function") {
            // HEAD and OPTIONS: Next.js derives them from the route's other methods.
            if (method === "HEAD" || method === "OPTIONS") return toNext();
            const allow = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof mod[m] === "function");
            const err = new AppError("method_not_allowed", `${method} is not allowed here.`, { headers: { Allow: allow.join(", ") } });
            return sendWebResponse(problemResponse(err, pathname), res);
          }
          const origin = `${req.headers["x-forwarded-proto"]}://${req.headers["x-forwarded-host"]}`;
          await serveWithHandler(handler, params, req, res, origin, leanBodyLimit(r.pattern));
        })().catch(async (err) => {
          if (!res.headersSent) await sendWebResponse(problemResponse(err, pathname), res);
          else res.destroy();
        });
        return;
      }
      // A bearer request for a path no route has: the same 404 problem as the catch-all's.
      if (pathname.startsWith("/api/v1/")) {
        if (ctx) ctx.route = "/api/v1/[...rest]";
        void sendWebResponse(problemResponse(new AppError("not_found", `There is no ${pathname} in this API; see /api/v1/openapi.json.`), pathname), res);
        return;
      }
    }
    void toNext();
  }, opts.timeouts);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname ?? env().HOSTNAME, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  runtime().server.port = port; // start-up (instrumentation, Next.js's graph) builds the executor's serve URL from it

  const { default: next } = await import("next");
  const app = next({ dev: false, dir: opts.dir, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  nextHandle = (req, res) => handle(req, res);
  resolveReady();

  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close().catch(() => {});
    },
  };
}
