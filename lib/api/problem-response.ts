// The one mapper from anything thrown to application/problem+json (RFC 9457), server-only: it
// logs, and names the occurrence by the current request's id (lib/observability/log.ts).
import { TITLES, toAppError, type AppError, type Problem } from "@/lib/api/errors";
import { TextResponse } from "@/lib/api/text-response";
import { briefError, currentRequest, log } from "@/lib/observability/log";

/**
 * `instance` names this occurrence: the request's id as a URN (`urn:gatehouse:request:<id>`, the
 * value of the response's X-Request-Id, which is on every log line of the request), or, outside a
 * request context (`next dev`, which has no edge), the path the caller passes.
 */
export function problemBody(e: AppError, instance?: string): Problem {
  const requestId = currentRequest()?.requestId;
  if (requestId) instance = `urn:gatehouse:request:${requestId}`;
  return {
    type: `urn:gatehouse:problem:${e.code}`,
    title: TITLES[e.status] ?? "Error",
    status: e.status,
    detail: e.message,
    code: e.code,
    ...(e.errors ? { errors: e.errors } : {}),
    ...(instance ? { instance } : {}),
  };
}

/**
 * The one place errors become HTTP responses. Unknown errors (our bugs) are logged with their
 * stack and answered with a bare 500; a dependency that is down (503) is logged without one.
 */
export function problemResponse(err: unknown, instance?: string): Response {
  const e = toAppError(err);
  if (e.code === "internal") log.error({ err: e.cause ?? e, internal: e.internal }, "unhandled error");
  else if (e.status >= 500) log.warn({ code: e.code, error: briefError(e.cause ?? e), internal: e.internal }, e.message);
  return new TextResponse(JSON.stringify(problemBody(e, instance)), {
    status: e.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...e.headers },
  });
}
