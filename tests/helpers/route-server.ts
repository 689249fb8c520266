// Serves route handlers over real HTTP on 127.0.0.1 through the same edge and adapter as
// server.ts's lean layer (lib/http/edge.ts, lib/http/node-adapter.ts), so clients (curl, OAuth
// libraries) talk to them exactly as they would to `npm start`, without building the app.
import type { AddressInfo } from "node:net";
import { AppError, problemResponse } from "@/lib/api/errors";
import { createEdge, createEdgeServer, type EdgeOptions, type ServerTimeouts } from "@/lib/http/edge";
import { leanBodyLimit } from "@/lib/http/lean-routes";
import { matchRoute, sendWebResponse, serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";

/** Path pattern ("/api/v1/things/[id]") → a route module (its GET/POST/… exports). */
export type Routes = Record<string, object>;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * `edge`: trusted proxies and public URL (default: none, as with the variables unset);
 * `timeouts`: the server's header/request/keep-alive timeouts (default: production's).
 */
export async function serveRoutes(routes: Routes, opts: { edge?: EdgeOptions; timeouts?: ServerTimeouts } = {}) {
  const edge = createEdge(opts.edge ?? {});
  // Fewer dynamic segments first, as Next.js and the lean layer prefer static segments.
  const ordered = Object.entries(routes).sort(([a], [b]) => a.split("[").length - b.split("[").length);
  const server = createEdgeServer((req, res) => {
    if (!edge.admit(req, res)) return;
    const path = (req.url ?? "/").split("?")[0]!;
    const origin = `${req.headers["x-forwarded-proto"]}://${req.headers["x-forwarded-host"]}`;
    for (const [pattern, methods] of ordered) {
      const params = matchRoute(pattern, path);
      if (!params) continue;
      const mod = methods as Record<string, unknown>;
      const allow = METHODS.filter((m) => typeof mod[m] === "function" || (m === "HEAD" && typeof mod.GET === "function"));
      const method = req.method ?? "GET";
      // As Next.js does: HEAD runs GET (Node drops the body), OPTIONS lists the methods.
      const handler = (mod[method] ?? (method === "HEAD" ? mod.GET : undefined)) as RouteHandler | undefined;
      if (method === "OPTIONS" && !handler) {
        res.writeHead(204, { allow: [...allow, "OPTIONS"].join(", ") }).end();
        return;
      }
      if (!handler) {
        const err = new AppError("method_not_allowed", `${method} is not allowed here.`, { headers: { Allow: allow.join(", ") } });
        void sendWebResponse(problemResponse(err, path), res);
        return;
      }
      void serveWithHandler(handler, params, req, res, origin, leanBodyLimit(pattern));
      return;
    }
    void sendWebResponse(problemResponse(new AppError("not_found", "Not found."), path), res);
  }, opts.timeouts);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
