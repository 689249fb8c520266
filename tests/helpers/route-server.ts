// Serves route handlers over real HTTP on 127.0.0.1, so clients (curl, OAuth libraries)
// talk to them exactly as they would to `next start`, without building the app.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
/** Path pattern ("/api/v1/things/[id]") → a route module (its GET/POST/… exports). */
export type Routes = Record<string, object>;

function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith("[")) params[p[i]!.slice(1, -1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  headers.set("x-forwarded-for", req.socket.remoteAddress ?? "127.0.0.1");
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  return new Request(origin + req.url, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
}

export async function serveRoutes(routes: Routes) {
  let origin = "";
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    for (const [pattern, methods] of Object.entries(routes)) {
      const params = match(pattern, path);
      if (!params) continue;
      const handler = (methods as Record<string, unknown>)[req.method ?? "GET"] as Handler | undefined;
      if (!handler) {
        res.writeHead(405).end();
        return;
      }
      const r = await handler(await toRequest(req, origin), { params: Promise.resolve(params) });
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}
