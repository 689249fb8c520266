// Calls a web route handler ((Request) => Response, the shape of app/**/route.ts) from a plain
// Node http server: server.ts's lean layer, the test route server and the benchmarks all use it,
// so what they measure and test is what production runs.
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { TextResponse } from "@/lib/api/text-response";
import { BufferedRequest } from "@/lib/http/buffered-request";
import { EDGE_HEADERS } from "@/lib/http/edge";
import { currentRequest } from "@/lib/observability/log";

export type RouteHandler = ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Response | Promise<Response>) & {
  /** The most body this handler accepts (withApi and withOAuthClient set it); see bodyLimit(). */
  maxBodyBytes?: number;
  /** The handler's own answer to a body over that limit (the OAuth endpoints answer in RFC 6749 form). */
  tooLarge?: (max: number) => Response;
  /**
   * The same handler without web Request and Response objects (the OAuth endpoints: withOAuthClient):
   * the adapter calls this instead, with the body it read and the headers as the web Request would
   * have them, and writes the answer itself. On the token endpoint's path, building the Request
   * (undici's constructor, its URL, AbortSignal and Headers) and reading a Response back cost
   * about a tenth of the request (bench/README.md). Both must answer byte for byte alike
   * (lib/credentials/oauth-plain.test.ts); Next.js calls the web one.
   */
  plain?: (req: PlainRequest) => Promise<PlainAnswer>;
};

/** A request as the adapter hands it to a `plain` handler. */
export type PlainRequest = {
  method: string;
  /** Absolute, as the web Request's `url` would be: the edge's origin and the request target. */
  url: string;
  /** A header as the web Request's `headers.get(name)` would answer (`name` in lower case). */
  header(name: string): string | null;
  /** The body, read whole (at most the handler's limit); empty for GET and HEAD. */
  body: Buffer;
};

/**
 * A `plain` handler's answer. Header names in lower case and each once; written in the order a web
 * Response's Headers iterate them (sorted), then X-Request-Id and Content-Length, as
 * sendWebResponse writes a Response. `body` null: no body (and no Content-Length), as `new
 * Response(null)` is written.
 */
export type PlainAnswer = { status: number; headers: Record<string, string>; body: string | null };

/**
 * Bodies are read whole before the handler runs (they are small on these paths), but never more
 * than the handler's own limit (`maxBodyBytes`): past it the request is refused here with 413,
 * before authentication, so an anonymous client cannot make the server hold more than that.
 * A handler without a limit of its own gets this one.
 */
export const MAX_BUFFERED_BODY = 8 * 1024 * 1024;

/** The body limit the adapter enforces for `handler` (`fallback` when it has none of its own). */
export function bodyLimit(handler: RouteHandler, fallback = MAX_BUFFERED_BODY): number {
  return Math.min(handler.maxBodyBytes ?? fallback, MAX_BUFFERED_BODY);
}

const NO_BODY = new Set(["GET", "HEAD"]);

// Events rather than `for await`: the async iterator costs a few µs per request on Node 20.
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.byteLength;
      if (size > max) {
        cleanup();
        req.pause(); // the rest is not wanted: the 413 closes the connection
        resolve(null);
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => onError(new Error("the client closed the request before sending all of its body"));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * `name` (lower case) as `headers.get(name)` answers on the Request toWebRequest() makes: the
 * edge's own value for its headers and the request id, else every value the client sent under
 * that name (any case), each trimmed of HTTP whitespace, joined with ", ". (Node's `req.headers`
 * keeps only the first of a repeated Authorization or Content-Type: not what the Request sees.)
 */
export function webHeader(req: IncomingMessage, name: string): string | null {
  if (name === "x-request-id" || EDGE_HEADERS.has(name)) {
    const v = req.headers[name];
    return typeof v === "string" ? v : null;
  }
  const raw = req.rawHeaders;
  let out: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length !== name.length || n.toLowerCase() !== name) continue;
    const v = trimHttpWhitespace(raw[i + 1]!);
    out = out === null ? v : `${out}, ${v}`;
  }
  return out;
}

/** What Headers does to a value: strips leading and trailing tab, LF, CR and space. */
function trimHttpWhitespace(v: string): string {
  let a = 0;
  let b = v.length;
  while (a < b && isHttpWhitespace(v.charCodeAt(a))) a++;
  while (b > a && isHttpWhitespace(v.charCodeAt(b - 1))) b--;
  return a === 0 && b === v.length ? v : v.slice(a, b);
}

function isHttpWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * The web Request for a Node request. The client's address and origin headers
 * (X-Forwarded-For/-Host/-Proto) are the ones the edge (lib/http/edge.ts) set on `req.headers`,
 * never the client's own. Null when the body is over `maxBody`.
 */
export async function toWebRequest(req: IncomingMessage, origin: string, maxBody = MAX_BUFFERED_BODY): Promise<Request | null> {
  // Name/value pairs straight from the raw headers: a Headers object built here would only be
  // copied (sorted and combined) into the Request's own.
  const raw = req.rawHeaders;
  const headers: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if ((name.length === 15 || name.length === 16 || name.length === 17 || name.length === 9) && EDGE_HEADERS.has(name.toLowerCase())) continue;
    if (name.length === 12 && name.toLowerCase() === "x-request-id") continue; // the edge's (checked or generated) id instead
    headers.push([name, raw[i + 1]!]);
  }
  for (const name of EDGE_HEADERS) {
    const v = req.headers[name];
    if (typeof v === "string") headers.push([name, v]);
  }
  const requestId = req.headers["x-request-id"];
  if (typeof requestId === "string") headers.push(["x-request-id", requestId]);
  const method = req.method ?? "GET";
  let body: Buffer | null = null;
  if (!NO_BODY.has(method)) {
    body = await readBody(req, maxBody);
    if (!body) return null;
  }
  const url = origin + (req.url ?? "/");
  return body && body.byteLength ? new BufferedRequest(url, { method, headers }, body) : new Request(url, { method, headers });
}

/**
 * Writes a web Response to the Node response, with Content-Length (the body is whole here, so
 * no chunked encoding). A TextResponse's string is written as it is, without a stream.
 */
export async function sendWebResponse(r: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  let cookies = false;
  r.headers.forEach((v, k) => {
    if (k === "set-cookie") cookies = true;
    else headers[k] = v;
  });
  if (cookies) headers["set-cookie"] = r.headers.getSetCookie();
  // The request's id (lib/http/edge.ts), echoed to the client.
  const requestId = currentRequest()?.requestId;
  if (requestId) headers["x-request-id"] = requestId;
  const text = r instanceof TextResponse ? r.takeText() : undefined;
  if (text !== undefined) {
    headers["content-length"] = String(Buffer.byteLength(text));
    res.writeHead(r.status, headers);
    res.end(text);
    return;
  }
  if (!r.body) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  // A small body goes out whole with a Content-Length; a larger one (an audit export of a
  // million rows) is streamed as it is produced, so memory holds one chunk, not the whole body.
  const reader = r.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      headers["content-length"] = String(size);
      res.writeHead(r.status, headers);
      res.end(Buffer.concat(head));
      return;
    }
    head.push(value);
    size += value.byteLength;
    if (size > STREAM_AFTER_BYTES) break;
  }
  res.writeHead(r.status, headers); // no Content-Length: chunked
  const write = (chunk: Uint8Array) =>
    res.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
  try {
    for (const chunk of head) await write(chunk);
    for (;;) {
      if (res.destroyed) {
        await reader.cancel(); // the client went away: stop producing
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      await write(value);
    }
    res.end();
  } catch {
    res.destroy(); // the body failed mid-way: the client sees a cut-off response, never a wrong one
    await reader.cancel().catch(() => {});
  }
}

/** Bodies up to this size are sent whole with a Content-Length; larger ones are streamed. */
export const STREAM_AFTER_BYTES = 64 * 1024;

/** Runs `handler` for a Node request; a thrown error becomes a 500 without details. */
export async function serveWithHandler(
  handler: RouteHandler,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  defaultMaxBody?: number,
): Promise<void> {
  const path = () => (req.url ?? "/").split("?")[0];
  const max = bodyLimit(handler, defaultMaxBody);
  try {
    if (handler.plain) {
      const method = req.method ?? "GET";
      const body = NO_BODY.has(method) ? EMPTY : await readBody(req, max);
      if (!body) return await refuseTooLarge(handler, max, res, path());
      sendPlainAnswer(await handler.plain({ method, url: origin + (req.url ?? "/"), header: (name) => webHeader(req, name), body }), res);
      return;
    }
    const request = await toWebRequest(req, origin, max);
    if (!request) return await refuseTooLarge(handler, max, res, path());
    const response = await handler(request, { params: Promise.resolve(params) });
    await sendWebResponse(response, res);
  } catch (err) {
    // The client went away (or the server's request timeout cut it off) mid-body: nobody to answer.
    // Not `req.destroyed`: a request whose body was read to the end is destroyed too (autoDestroy),
    // and a handler that throws after reading it still owes its client a 500.
    if (!req.complete || req.socket.destroyed) {
      res.destroy();
      return;
    }
    // The one error mapper: logs the cause, answers 500 problem+json without details.
    if (!res.headersSent) await sendWebResponse(problemResponse(err, path()), res);
    else res.destroy();
  }
}

const EMPTY = Buffer.alloc(0);

/** A body over the handler's limit: refused without reading the rest, and the connection closed rather than drained. */
function refuseTooLarge(handler: RouteHandler, max: number, res: ServerResponse, path: string | undefined): Promise<void> {
  res.setHeader("connection", "close");
  const refusal = handler.tooLarge?.(max) ?? problemResponse(new AppError("payload_too_large", `The request body is larger than ${max} bytes.`), path);
  return sendWebResponse(refusal, res);
}

/** Writes a plain handler's answer as sendWebResponse writes the equivalent Response. */
export function sendPlainAnswer(a: PlainAnswer, res: ServerResponse): void {
  const headers: Record<string, string> = {};
  const names = Object.keys(a.headers);
  if (names.length > 1) names.sort();
  for (const k of names) headers[k] = a.headers[k]!;
  const requestId = currentRequest()?.requestId;
  if (requestId) headers["x-request-id"] = requestId;
  if (a.body === null) {
    res.writeHead(a.status, headers);
    res.end();
    return;
  }
  headers["content-length"] = String(Buffer.byteLength(a.body));
  res.writeHead(a.status, headers);
  res.end(a.body);
}

/** "/api/v1/things/[id]" against a path: the params, or null when it does not match. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  return matchSegments(pattern.split("/"), path.split("/"));
}

/** matchRoute on patterns and paths split at "/" once (the lean layer tries many patterns per path). */
export function matchSegments(p: string[], s: string[]): Record<string, string> | null {
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith("[")) {
      if (!s[i]) return null;
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(s[i]!);
      } catch {
        return null;
      }
    } else if (seg !== s[i]) return null;
  }
  return params;
}
