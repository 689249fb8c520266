// Serves route handlers over real HTTP on 127.0.0.1 through the same edge and adapter as
// server.ts's lean layer (lib/http/edge.ts, lib/http/node-adapter.ts), so clients (curl, OAuth
// libraries) talk to them exactly as they would to `npm start`, without building the app.
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach } from "vitest";
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { createEdge, createEdgeServer, type EdgeOptions, type ServerTimeouts } from "@/lib/http/edge";
import { leanBodyLimit } from "@/lib/http/lean-routes";
import { matchRoute, sendWebResponse, serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";
import { currentRequest } from "@/lib/observability/log";
import { responseViolations } from "@/tests/helpers/openapi-validator";

// Every response a served route gives is checked against the OpenAPI document; what does not
// conform is recorded here and fails the test during which it was sent (the afterEach below, or
// afterAll for requests made in beforeAll/afterAll hooks). `contract: false` opts a server out
// (tests that send deliberately broken HTTP, whose answers are not API operations).
const violations: string[] = [];
function failOnViolations() {
  if (!violations.length) return;
  const found = violations.splice(0);
  throw new Error(`Responses that the OpenAPI document does not declare:\n- ${found.join("\n- ")}`);
}
/**
 * Only under Vitest: the benchmarks (bench/) serve routes through this file too, and there the
 * hooks do not exist and checking every response would be measured as the server's cost.
 */
const CHECK_CONTRACT = !!process.env.VITEST;
if (CHECK_CONTRACT) {
  afterEach(failOnViolations);
  afterAll(failOnViolations);
}
/** The paths the document describes; tests of the adapter itself serve others (/echo, /boom). */
const CONTRACT_PATHS = /^\/(api\/v1|oauth|in|\.well-known)(\/|$)/;

/** Records the status, content type and body `res` sends, and checks them once it has ended. */
function checkResponse(method: string, path: string, res: ServerResponse) {
  const chunks: Buffer[] = [];
  let headType: string | undefined;
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  // A large body is streamed (written in chunks before end).
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string" || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk as string));
    return write(chunk, ...rest);
  }) as ServerResponse["write"];
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const h = rest.find((x) => x && typeof x === "object") as Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(h ?? {})) if (k.toLowerCase() === "content-type") headType = String(v);
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
  res.end = ((...args: unknown[]) => {
    const chunk = args[0];
    if (typeof chunk === "string" || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk as string));
    const contentType = headType ?? (res.getHeader("content-type") as string | undefined);
    try {
      violations.push(...responseViolations({ method, path, status: res.statusCode, contentType, body: Buffer.concat(chunks).toString("utf8") }));
    } catch (err) {
      violations.push(`${method} ${path}: the checker failed: ${(err as Error).message}`);
    }
    return end(...args);
  }) as ServerResponse["end"];
}

/** Path pattern ("/api/v1/things/[id]") → a route module (its GET/POST/… exports). */
export type Routes = Record<string, object>;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * `edge`: trusted proxies and public URL (default: none, as with the variables unset);
 * `timeouts`: the server's header/request/keep-alive timeouts (default: production's).
 */
export async function serveRoutes(routes: Routes, opts: { edge?: EdgeOptions; timeouts?: ServerTimeouts; contract?: boolean } = {}) {
  const edge = createEdge(opts.edge ?? {});
  // Fewer dynamic segments first, as Next.js and the lean layer prefer static segments.
  // Catch-alls are Next's (the lean layer answers unknown paths itself, as below).
  const ordered = Object.entries(routes).filter(([p]) => !p.includes("[...")).sort(([a], [b]) => a.split("[").length - b.split("[").length);
  const server = createEdgeServer((req, res) => {
    if (!edge.admit(req, res)) return;
    const path = (req.url ?? "/").split("?")[0]!;
    if (CHECK_CONTRACT && opts.contract !== false && CONTRACT_PATHS.test(path)) checkResponse(req.method ?? "GET", path, res);
    const origin = `${req.headers["x-forwarded-proto"]}://${req.headers["x-forwarded-host"]}`;
    for (const [pattern, methods] of ordered) {
      const params = matchRoute(pattern, path);
      if (!params) continue;
      const ctx = currentRequest();
      if (ctx) ctx.route = pattern;
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
    void sendWebResponse(problemResponse(new AppError("not_found", `There is no ${path} in this API; see /api/v1/openapi.json.`), path), res);
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
