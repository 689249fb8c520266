// Answers for the HTTP methods a route does not have: 405 with `Allow` naming the ones it has.
// Each route file exports them for its missing methods, so Next.js and the lean layer answer
// alike (Next's own 405 has no body and no Allow).
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { TextResponse } from "@/lib/api/text-response";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof HTTP_METHODS)[number];
type Handlers = Record<Method | "OPTIONS", (req: Request) => Response>;

/** `Allow` for a route with these methods: HEAD with GET, as both layers answer HEAD from GET. */
export function allowHeader(methods: readonly string[]): string {
  const out = HTTP_METHODS.filter((m) => methods.includes(m)) as string[];
  if (out.includes("GET")) out.splice(1, 0, "HEAD");
  return out.join(", ");
}

/**
 * A 405 needs no body: the lean layer reads none (maxBodyBytes 0) and answers a request that has
 * one with the same 405 (tooLarge), not a 413 about a body nobody wanted.
 */
function readsNoBody(fn: (req: Request) => Response, withBody: () => Response) {
  return Object.assign(fn, { maxBodyBytes: 0, tooLarge: withBody });
}

/** OPTIONS: 204 with the route's own Allow (Next.js would list every exported method, 405s included). */
function options(allow: string) {
  const answer = () => new Response(null, { status: 204, headers: { Allow: `${allow}, OPTIONS` } });
  return readsNoBody(answer, answer);
}

/** problem+json 405 handlers (/api/v1): `export const { PUT, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"])`. */
export function methodsNotAllowed(allowed: readonly Method[]): Handlers {
  const allow = allowHeader(allowed);
  const answer = (method: string, path?: string) =>
    problemResponse(new AppError("method_not_allowed", `${method} is not allowed here; this path accepts ${allow}.`, { headers: { Allow: allow } }), path);
  const handler = readsNoBody((req: Request) => answer(req.method, new URL(req.url).pathname), () => answer("This method"));
  return { ...Object.fromEntries(HTTP_METHODS.map((m) => [m, handler])), OPTIONS: options(allow) } as unknown as Handlers;
}

/** The OAuth endpoints' 405: an RFC 6749 §5.2-shaped JSON error, with Allow. */
export function oauthMethodsNotAllowed(allowed: readonly Method[]): Handlers {
  const allow = allowHeader(allowed);
  const answer = (method: string) =>
    new TextResponse(
      JSON.stringify({ error: "invalid_request", error_description: `${method} is not allowed here; send the request as ${allow}.` }),
      { status: 405, headers: { "content-type": "application/json", "cache-control": "no-store", Allow: allow } },
    );
  const handler = readsNoBody((req: Request) => answer(req.method), () => answer("This method"));
  return { ...Object.fromEntries(HTTP_METHODS.map((m) => [m, handler])), OPTIONS: options(allow) } as unknown as Handlers;
}
