// Which requests server.ts's lean layer answers, and the route files it answers them from.
// See server.ts for why the layer exists.
import { readdirSync } from "node:fs";
import path from "node:path";
import { INBOUND_MAX_BODY_BYTES } from "@/lib/validations/inbound";

export type LeanRoute = { pattern: string; file: string };

/** Route files under these app/ folders may be served by the lean layer. */
const LEAN_DIRS = ["oauth", ".well-known", "in", "api/inngest", "api/v1", "healthz", "readyz", "metrics"];

/** app/api/v1/things/[id]/route.ts → "/api/v1/things/[id]" (route groups dropped). */
export function findLeanRoutes(appDir: string): LeanRoute[] {
  const routes: LeanRoute[] = [];
  for (const dir of LEAN_DIRS) {
    const base = path.join(appDir, dir);
    let files: string[];
    try {
      files = readdirSync(base, { recursive: true, encoding: "utf8" });
    } catch {
      continue;
    }
    for (const f of files) {
      if (path.basename(f) !== "route.ts") continue;
      const segs = [dir, ...path.dirname(f).split(path.sep)]
        .join("/")
        .split("/")
        .filter((s) => s && s !== "." && !/^\(.*\)$/.test(s));
      routes.push({ pattern: "/" + segs.join("/"), file: path.join(base, f) });
    }
  }
  // Fewer dynamic segments first, as Next.js prefers static segments over dynamic ones.
  return routes.sort((a, b) => a.pattern.split("[").length - b.pattern.split("[").length);
}

/**
 * The machine-facing paths: OAuth, incoming webhooks, the Inngest executor's calls, the probes
 * and metrics, and /api/v1 with a bearer token. A console session (cookie) always goes through
 * Next.js.
 */
export function isLeanRequest(pathname: string, authorization: string | undefined): boolean {
  if (pathname.startsWith("/oauth/") || pathname.startsWith("/in/") || pathname === "/api/inngest") return true;
  if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics") return true;
  if (pathname === "/.well-known/oauth-authorization-server") return true;
  if (pathname.startsWith("/api/v1/")) return /^bearer\s/i.test(authorization ?? "");
  return false;
}

/**
 * The body limit of a lean route whose handler does not carry its own (`maxBodyBytes`, set by
 * withApi and withOAuthClient): the adapter reads no more than this before the handler runs.
 */
export function leanBodyLimit(pattern: string): number | undefined {
  if (pattern.startsWith("/in/")) return INBOUND_MAX_BODY_BYTES;
  if (pattern === "/.well-known/oauth-authorization-server" || pattern === "/api/v1/openapi.json" || pattern === "/healthz" || pattern === "/readyz" || pattern === "/metrics") return 0;
  return undefined;
}
