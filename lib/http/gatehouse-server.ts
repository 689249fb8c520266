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
// enters. `npm run dev` (`next dev`) serves everything through Next.js.
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findLeanRoutes, isLeanRequest, type LeanRoute } from "@/lib/http/lean-routes";
import { matchSegments, serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";

// Next.js installs this global when its server loads; a route module loaded before that would
// keep a stand-in that throws. Set it first, as Next.js would.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;

export type GatehouseServer = { server: Server; port: number; origin: string; close(): Promise<void> };

/**
 * Listens on `port` (0: any free one), then prepares Next.js from the build in `dir`/.next, which
 * runs instrumentation.ts (migrations, the delivery dispatcher, the embedded executor, which is
 * told this port through PORT). Requests that arrive meanwhile wait for it.
 */
export async function startGatehouseServer(opts: { dir: string; port: number; hostname?: string }): Promise<GatehouseServer> {
  const routes: (LeanRoute & { segments: string[]; module?: Promise<Record<string, unknown>> })[] = findLeanRoutes(
    path.join(opts.dir, "app"),
  ).map((r) => ({ ...r, segments: r.pattern.split("/") }));
  let nextHandle: ((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => Promise<void>) | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  let port = opts.port;

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const toNext = () => (nextHandle ? nextHandle(req, res) : ready.then(() => nextHandle!(req, res)));
    if (isLeanRequest(pathname, req.headers.authorization)) {
      const segments = pathname.split("/");
      for (const r of routes) {
        const params = matchSegments(r.segments, segments);
        if (!params) continue;
        void (async () => {
          const mod = await (r.module ??= import(pathToFileURL(r.file).href));
          const handler = mod[req.method ?? "GET"] as RouteHandler | undefined;
          // A method the route does not have: Next.js answers it as it would anyway (405).
          if (typeof handler !== "function") return toNext();
          await serveWithHandler(handler, params, req, res, `http://${req.headers.host ?? `127.0.0.1:${port}`}`);
        })().catch((err) => {
          console.error("[gatehouse] lean layer failed", err);
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
    }
    void toNext();
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  process.env.PORT = String(port); // start-up (instrumentation) reads it for the executor's serve URL

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
