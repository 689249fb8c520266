// Serves route handlers over real HTTP on 127.0.0.1 through the same adapter as server.ts's
// lean layer, so clients (curl, OAuth libraries) talk to them exactly as they would to
// `npm start`, without building the app.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { matchRoute, serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";

/** Path pattern ("/api/v1/things/[id]") → a route module (its GET/POST/… exports). */
export type Routes = Record<string, object>;

export async function serveRoutes(routes: Routes) {
  let origin = "";
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    for (const [pattern, methods] of Object.entries(routes)) {
      const params = matchRoute(pattern, path);
      if (!params) continue;
      const handler = (methods as Record<string, unknown>)[req.method ?? "GET"] as RouteHandler | undefined;
      if (!handler) {
        res.writeHead(405).end();
        return;
      }
      void serveWithHandler(handler, params, req, res, origin);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}
