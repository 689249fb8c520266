// The one error type and its table of codes (RFC 9457 problem fields). Safe in the browser too
// (forms and lib/validations use AppError); the mapper to a response is lib/api/problem-response.ts.
import { z } from "zod";

/** Every error code, with the HTTP status it maps to and when it is thrown. */
export const ERROR_STATUS = {
  bad_request: 400, // the request cannot be read: malformed JSON, wrong content type
  unauthorized: 401, // no valid session or bearer token
  forbidden: 403, // authenticated, but the role does not allow it, or a cross-site request
  insufficient_scope: 403, // bearer token lacks a scope the route requires
  not_found: 404, // the resource does not exist in this org and environment
  method_not_allowed: 405, // wrong HTTP method on an existing path
  conflict: 409, // unique value taken, or a state change that cannot happen (last owner)
  idempotency_in_progress: 409, // the same Idempotency-Key is still being processed
  idempotency_completed: 409, // the same Idempotency-Key's request was carried out, but its answer was lost (the server stopped)
  gone: 410, // the resource existed but is no longer usable (used invite)
  payload_too_large: 413, // body over the route's limit
  unsupported_media_type: 415, // body is not application/json where JSON is required
  validation_failed: 422, // input failed its schema; `errors` names each field
  idempotency_key_reused: 422, // same Idempotency-Key sent with a different body
  rate_limited: 429, // too many requests; Retry-After says when to come back
  internal: 500, // anything unexpected; details are logged, never returned
  unavailable: 503, // a dependency is down; retry later
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
/** `position`: where in the field's text the problem is (0-based), for fields with a syntax (a payload filter). */
export type FieldError = { field: string; message: string; position?: number };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  /** `message` is shown to the caller; `internal` (optional) is only logged. */
  constructor(
    code: ErrorCode,
    message: string,
    opts: { errors?: FieldError[]; headers?: Record<string, string>; internal?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = opts.errors;
    this.headers = opts.headers;
    if (opts.internal) this.internal = opts.internal;
  }
  internal?: string;
}

/** Shorthand for a single-field validation error. */
export function fieldError(field: string, message: string): AppError {
  return new AppError("validation_failed", `${field}: ${message}`, { errors: [{ field, message }] });
}

/** The message of a field the schema does not know (as Stripe words it). */
export const UNKNOWN_FIELD_MESSAGE = "Received unknown parameter";

/** One field error per issue; a strict object's unknown keys each get their own, named by full path. */
export function zodFieldErrors(err: z.ZodError): FieldError[] {
  return err.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ field: formatFieldPath([...i.path, k]), message: UNKNOWN_FIELD_MESSAGE }))
      : [{ field: formatFieldPath(i.path), message: i.message, ...positionOf(i) }],
  );
}

/** A custom issue may carry `params.position` (lib/validations/webhooks.ts's filter check). */
function positionOf(i: z.core.$ZodIssue): { position?: number } {
  const p = i.code === "custom" ? (i.params as { position?: unknown } | undefined)?.position : undefined;
  return typeof p === "number" ? { position: p } : {};
}

/** `a.b[0].c`, as every field error names its field; `(body)` for the body itself. */
export function formatFieldPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

export const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  instance?: string;
};

/** Turns anything thrown into an AppError that is safe to show. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) {
    const errors = zodFieldErrors(err);
    return new AppError("validation_failed", describeFieldErrors(errors), { errors });
  }
  if (isDatabaseUnavailable(err)) {
    return new AppError("unavailable", "The database is not reachable right now. Retry shortly.", {
      headers: { "retry-after": "5" },
      cause: err,
    });
  }
  const prismaCode = (err as { code?: unknown })?.code;
  if (typeof prismaCode === "string") {
    if (prismaCode === "P2002") {
      const target = (err as { meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } })
        .meta;
      const fields = Array.isArray(target?.target)
        ? (target.target as string[])
        : (target?.driverAdapterError?.cause?.constraint?.fields ?? []);
      const field = fields.filter((f) => f !== "orgId" && f !== "environment").join(".") || "(body)";
      return new AppError("conflict", "A resource with this value already exists.", {
        errors: [{ field, message: "already exists" }],
        cause: err,
      });
    }
    if (prismaCode === "P2025") return new AppError("not_found", "Not found.", { cause: err });
  }
  return new AppError("internal", "Something went wrong on our side. It has been logged.", { cause: err });
}

export function describeFieldErrors(errors: FieldError[]): string {
  const first = errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`);
  return `Invalid input. ${first.join("; ")}${errors.length > 3 ? `; and ${errors.length - 3} more` : ""}`;
}

// Socket errors of a connection to the database that could not be made or was lost.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// Prisma's: can't reach the server (P1001), timed out (P1002), server closed the connection
// (P1017), no connection from the pool in time (P2024).
const PRISMA_UNREACHABLE = new Set(["P1001", "P1002", "P1017", "P2024"]);
// Driver adapter error kinds for the same (@prisma/adapter-pg's socket error mapping).
const ADAPTER_UNREACHABLE = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// node-postgres's own messages for a lost or never-made connection, which carry no code.
// "Query read timeout": the client gave up waiting for an answer (the pool's query_timeout).
const PG_MESSAGES = /Query read timeout|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection terminated due to connection timeout/i;

/**
 * Whether `err` (raw from node-postgres, or wrapped by Prisma and its driver adapter) says the
 * database cannot be reached: the connection was refused, lost, or not made in time, or the
 * server is shutting down or starting (SQLSTATE class 08, 57P01–57P03, 53300), or a statement
 * was cancelled for running too long (57014: GATEHOUSE_DB_STATEMENT_TIMEOUT_MS, lib/db/driver.ts).
 * Those are a dependency's outage (503, retry later), not our bug (500).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length && seen.size < 16) {
    const e = stack.pop();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as { code?: unknown; kind?: unknown; message?: unknown; name?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    const code = typeof o.code === "string" ? o.code : "";
    if (SOCKET_CODES.has(code) || PRISMA_UNREACHABLE.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code) || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300" || code === "57014") return true;
    if (typeof o.kind === "string" && ADAPTER_UNREACHABLE.has(o.kind)) return true;
    if (o.name === "PrismaClientInitializationError") return true;
    if (typeof o.message === "string" && PG_MESSAGES.test(o.message)) return true;
    stack.push(o.cause, o.meta?.driverAdapterError);
  }
  return false;
}
