// The one logger: pino, JSON lines on stdout, level from LOG_LEVEL (default info; `silent` turns
// it off). On a terminal (stdout a TTY) and with LOG_FORMAT unset, lines are pretty-printed
// (pino-pretty) for a person to read; LOG_FORMAT=json or LOG_FORMAT=pretty chooses explicitly. Every line written while a request is handled carries that request's id (`req_id`),
// taken from the request context the edge opens (lib/http/edge.ts) or, in Next.js's module
// graph, the one withApi opens from the X-Request-Id header the edge set.
//
// Never a secret, token, password or body in a line: the fields below are censored wherever
// they appear (two levels deep), and callers log ids and outcomes, not payloads. Expected
// outcomes (a receiver's 5xx, a retry scheduled) are info without a stack; `err` with its stack
// only for our own bugs.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { isColorSupported, prettyFactory } from "pino-pretty";

export type { Logger };

/** What a request carries through everything that runs for it. */
export type RequestContext = {
  requestId: string;
  /** The route template that answered (`/api/v1/endpoints/[id]`), set by the layer that routed it. */
  route?: string;
  /**
   * The request's Idempotency-Key claim (lib/api/idempotency.ts), set by withApi: the first audit
   * event the request records marks the claim in the same transaction, so a retry after a crash
   * finds the committed work instead of doing it again.
   */
  idempotencyClaimId?: string;
};

// The context is per module graph (the lean layer's and Next.js's each have one); the request
// id crosses between them in the X-Request-Id request header, never through shared state.
const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request's context. */
export function runInRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return requestContext.run(ctx, fn);
}

/** The current request's context, if code runs on behalf of one. */
export function currentRequest(): RequestContext | undefined {
  return requestContext.getStore();
}

/**
 * An incoming X-Request-Id is kept only when it looks like an id (a UUID, a ULID, a trace id:
 * 8–64 letters, digits, `.`, `_`, `-`, starting with a letter or digit); anything else (spaces,
 * quotes, newlines, a 10 kB string) is replaced by a fresh UUID, so a client cannot forge log
 * structure or flood lines through it.
 */
export const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$/;

export function requestIdFrom(header: string | string[] | undefined | null): string {
  return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Field names censored wherever they appear, at the top of a line or one object down. */
const SECRET_FIELDS = [
  "password",
  "secret",
  "client_secret",
  "clientSecret",
  "token",
  "access_token",
  "accessToken",
  "refresh_token",
  "authorization",
  "cookie",
  "set-cookie",
  "auth_token",
  "authToken",
  "signingSecret",
  "signing_secret",
  "body",
  "payload",
  "headers",
  "requestBody",
  "requestHeaders",
  "responseBody",
];

/** Objects a line may carry that could hold one of those fields one level down. */
const CONTAINERS = ["req", "request", "res", "response", "headers", "err", "error", "data", "input", "form", "credentials", "user", "cause"];

const key = (f: string) => (/^[A-Za-z_$][\w$]*$/.test(f) ? `.${f}` : `["${f}"]`);

/**
 * pino `redact` paths: each field at the top level and inside each container. Explicit paths,
 * not `*.field` wildcards: fast-redact checks explicit paths with a few property reads, while
 * wildcards walk every key of every line (16 µs a line here, against under 1 µs).
 */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((f) => key(f).replace(/^\./, "")),
  ...CONTAINERS.flatMap((c) => SECRET_FIELDS.filter((f) => f !== c).map((f) => `${c}${key(f)}`)),
];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function levelFromEnv(): string {
  const v = (process.env.LOG_LEVEL ?? "").toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? v : "info";
}

export type LogFormat = "json" | "pretty";

/** LOG_FORMAT if set (json | pretty), else pretty on a terminal and JSON anywhere else. */
export function formatFromEnv(isTTY = !!process.stdout.isTTY): LogFormat {
  const v = (process.env.LOG_FORMAT ?? "").toLowerCase();
  if (v === "json" || v === "pretty") return v;
  return isTTY ? "pretty" : "json";
}

/** Turns each JSON line into one a person reads: time, level, message, then the fields. */
function prettyLines(write: (line: string) => void, colorize: boolean): (line: string) => void {
  const pretty = prettyFactory({ colorize, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", singleLine: true });
  return (line) => write(pretty(line));
}

/**
 * A logger writing lines to `write` (default: stdout): JSON, or pretty-printed (`format`,
 * default formatFromEnv()). Exported for tests; the app uses `log`.
 */
export function createLogger(opts: { level?: string; write?: (line: string) => void; format?: LogFormat } = {}): Logger {
  const out = opts.write ?? ((line: string) => process.stdout.write(line));
  const write = (opts.format ?? formatFromEnv()) === "pretty" ? prettyLines(out, !opts.write && isColorSupported) : out;
  return pino(
    {
      level: opts.level ?? levelFromEnv(),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
      mixin() {
        const id = requestContext.getStore()?.requestId;
        return id ? { req_id: id } : {};
      },
    },
    { write },
  );
}

/**
 * The process's logger. Through `process.stdout`, not a file descriptor of its own: the copies
 * of this module in the two module graphs then write through one stream, line by line.
 */
export const log: Logger = createLogger();

/** An error as a log field: name and message only (an expected outcome needs no stack). */
export function briefError(err: unknown): { type: string; message: string } {
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { type: typeof err, message: String(err) };
}
