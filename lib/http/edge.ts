// The edge of the HTTP server: what every request passes before either layer (lean or Next.js)
// sees it. It decides, from trusted sources only, who the client is and which origin it used,
// and refuses requests no route can answer sensibly (odd methods, broken URLs, bad Host) with a
// 4xx problem+json instead of letting them fail deeper as 500s.
//
// Downstream code reads the result from headers the edge owns: `x-forwarded-for` (the client's
// address, one value), `x-forwarded-host` and `x-forwarded-proto` (the public origin). Whatever
// the client sent under those names (and `x-real-ip`, `forwarded`, `x-forwarded-port`) is
// replaced, so lib/api/request-info.ts, Next.js (server-action origin check) and Auth.js all see
// the same trusted values. Under `next dev` there is no edge: Next.js fills these headers itself
// and keeps client-supplied values, which is acceptable on a developer's machine only.
import { isIP } from "node:net";
import type { IncomingMessage, ServerResponse, Server } from "node:http";
import { createServer, type RequestListener } from "node:http";
import proxyaddr from "proxy-addr";
import { AppError } from "@/lib/api/errors";
import { problemBody } from "@/lib/api/problem-response";
import { currentRequest, log, requestIdFrom, runInRequestContext, type RequestContext } from "@/lib/observability/log";
import { httpDuration, httpRequests } from "@/lib/observability/metrics";

export type EdgeOptions = {
  /** Addresses/CIDRs of reverse proxies allowed to set X-Forwarded-* (GATEHOUSE_TRUSTED_PROXIES). */
  trustedProxies?: string[];
  /** The origin clients use (GATEHOUSE_PUBLIC_URL); generated URLs never depend on Host then. */
  publicUrl?: string;
};

export type Edge = {
  /**
   * Checks and normalises `req` in place. Answers it (4xx problem+json) and returns false when
   * it cannot be served; otherwise the request's edge headers are set and it returns true.
   */
  admit(req: IncomingMessage, res: ServerResponse, opts?: { checkActionOrigin?: boolean }): boolean;
};

/** Headers only the edge may set; a client's values are dropped. */
export const EDGE_HEADERS = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"]);

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

// RFC 3986 host: a reg-name of letters, digits, '-', '.', '_' (no percent-escapes: no client
// needs them), or an IPv6 literal in brackets; then an optional port.
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

export function isValidHost(host: string): boolean {
  if (!HOST.test(host)) return false;
  if (host.startsWith("[")) return isIP(host.slice(1, host.indexOf("]"))) === 6;
  const port = /:([0-9]+)$/.exec(host)?.[1];
  return port === undefined || Number(port) <= 65535;
}

export function createEdge(opts: EdgeOptions = {}): Edge {
  const trust = proxyaddr.compile(opts.trustedProxies ?? []);
  const publicUrl = opts.publicUrl ? new URL(opts.publicUrl) : undefined;

  function refuse(res: ServerResponse, err: AppError, instance: string) {
    const body = JSON.stringify(problemBody(err, instance.slice(0, 200)));
    const requestId = currentRequest()?.requestId;
    res.writeHead(err.status, {
      ...(requestId ? { "x-request-id": requestId } : {}),
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(body),
      connection: "close",
      ...err.headers,
    });
    res.end(body);
  }

  return {
    admit(req, res, o = {}) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const pathname = q < 0 ? url : url.slice(0, q);
      const instance = isWellFormedPath(pathname) ? pathname : undefined;

      const method = req.method ?? "GET";
      if (!METHODS.has(method)) {
        refuse(res, new AppError("method_not_allowed", `The ${method.slice(0, 20)} method is not supported.`, { headers: { Allow: [...METHODS].join(", ") } }), instance ?? "");
        return false;
      }
      if (!instance || !isWellFormedQuery(q < 0 ? "" : url.slice(q + 1))) {
        refuse(res, new AppError("bad_request", "The request URL is malformed (a bad percent-escape, a NUL or a control character)."), "");
        return false;
      }

      // The client: the socket's peer, or, when that peer is a trusted proxy, the nearest
      // untrusted hop of X-Forwarded-For (right to left), as Express's proxy-addr does.
      const peer = req.socket.remoteAddress ?? "";
      const peerTrusted = peer !== "" && trust(peer, 0);
      let ip = peer;
      if (peerTrusted) {
        const resolved = proxyaddr(req, trust);
        if (isIP(resolved)) ip = resolved;
      }

      // The origin: the configured public URL, else a trusted proxy's X-Forwarded-Host/-Proto,
      // else the Host header; only http/https and a syntactically valid host.
      let proto: string;
      let host: string;
      if (publicUrl) {
        proto = publicUrl.protocol.slice(0, -1);
        host = publicUrl.host;
      } else {
        proto = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
        host = req.headers.host ?? "";
        if (peerTrusted) {
          const fh = first(req.headers["x-forwarded-host"]);
          const fp = first(req.headers["x-forwarded-proto"]);
          if (fh) host = fh;
          if (fp) proto = fp.toLowerCase();
        }
        if (proto !== "http" && proto !== "https") {
          refuse(res, new AppError("bad_request", "X-Forwarded-Proto must be http or https."), pathname);
          return false;
        }
        if (!host) host = `localhost`; // HTTP/1.0 without Host
        if (!isValidHost(host)) {
          refuse(res, new AppError("bad_request", "The Host header is not a valid host name."), pathname);
          return false;
        }
      }
      // A Host that is no host at all breaks URL parsing further in, even with a public URL.
      if (req.headers.host !== undefined && !isValidHost(req.headers.host)) {
        refuse(res, new AppError("bad_request", "The Host header is not a valid host name."), pathname);
        return false;
      }

      // Server actions (Next.js) compare Origin with the host and throw (a 500) on a mismatch:
      // refuse a cross-origin one here as what it is.
      if (o.checkActionOrigin && method === "POST" && req.headers["next-action"] !== undefined) {
        const origin = req.headers.origin;
        let originHost: string | null = null;
        try {
          originHost = origin && origin !== "null" ? new URL(origin).host : null;
        } catch {
          originHost = null;
        }
        if (origin !== undefined && originHost !== host) {
          refuse(res, new AppError("forbidden", "Cross-site request refused: the Origin does not match this console."), pathname);
          return false;
        }
      }

      const h = req.headers;
      for (const name of EDGE_HEADERS) delete h[name];
      h["x-forwarded-for"] = plainIp(ip);
      h["x-forwarded-host"] = host;
      h["x-forwarded-proto"] = proto;
      h["x-forwarded-port"] = /:([0-9]+)$/.exec(host)?.[1] ?? (proto === "https" ? "443" : "80");
      return true;
    },
  };
}

/** The first value of a comma-separated (or repeated) header. */
function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  const f = s?.split(",")[0]?.trim();
  return f || undefined;
}

/** An IPv4 client of a dual-stack server (`::ffff:203.0.113.7`) is the IPv4 address it is. */
export function plainIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** Every segment percent-decodes to well-formed UTF-8 without NUL or control characters. */
function isWellFormedPath(pathname: string): boolean {
  if (!pathname.startsWith("/")) return false; // absolute-form or `*` targets are not served
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  return !/[\u0000-\u001f\u007f]/.test(decoded);
}

/** The query's escapes decode to well-formed UTF-8 without NUL. */
function isWellFormedQuery(query: string): boolean {
  if (!query) return true;
  try {
    return !decodeURIComponent(query.replace(/\+/g, " ")).includes("\u0000");
  } catch {
    return false;
  }
}

/** Node's header, request and keep-alive timeouts for a server facing clients directly. */
export type ServerTimeouts = {
  /** Whole request (headers and body) must arrive within this; default 30 s. */
  requestTimeoutMs?: number;
  /** Headers must arrive within this; default 20 s. */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this; default 65 s (above load balancers'). */
  keepAliveTimeoutMs?: number;
};

/** Probes and scrapes: logged at debug only, so a load balancer polling them does not fill the log. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Every request gets an id (a well-formed incoming X-Request-Id, else a fresh one): set on
 * `req.headers["x-request-id"]` for both layers and echoed in the response's X-Request-Id, and
 * the request runs in a context that puts it on every log line (lib/observability/log.ts) and in
 * problem+json `instance`. One line per request when it ends: method, route template, status,
 * duration; never its path (an invite link's token), query, headers or body.
 */
function withRequestContext(listener: RequestListener): RequestListener {
  return (req, res) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    req.headers["x-request-id"] = requestId;
    // The response header is added where the response is written (sendWebResponse, refuse, the
    // Next.js hand-off), not with setHeader here: a header set before writeHead(status, headers)
    // sends Node down its slower merging path for every response (~5 µs a request).
    const ctx: RequestContext = { requestId };
    const started = performance.now();
    res.once("close", () => requestEnded(req, res, ctx, started));
    runInRequestContext(ctx, () => listener(req, res));
  };
}

function requestEnded(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, started: number) {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const quiet = QUIET_PATHS.has(q < 0 ? url : url.slice(0, q));
  const level = quiet ? "debug" : "info";
  const seconds = (performance.now() - started) / 1000;
  const method = METHODS.has(req.method ?? "") ? req.method! : "other";
  const route = ctx.route ?? "(unmatched)";
  httpRequests.inc({ method, route, status: res.statusCode });
  httpDuration.observe({ method, route }, seconds);
  if (!log.isLevelEnabled(level)) return;
  const ms = Math.round(seconds * 10_000) / 10;
  const ip = typeof req.headers["x-forwarded-for"] === "string" ? req.headers["x-forwarded-for"] : req.socket.remoteAddress;
  runInRequestContext(ctx, () =>
    log[level](
      { method, route, status: res.statusCode, ms, ip, ...(res.writableFinished ? {} : { aborted: true }) },
      res.writableFinished ? "request" : "request aborted",
    ),
  );
}

/** A Node HTTP server with the timeouts that cut off slow clients (1 byte/s bodies and headers). */
export function createEdgeServer(listener: RequestListener, t: ServerTimeouts = {}): Server {
  const requestTimeout = t.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(t.headersTimeoutMs ?? 20_000, requestTimeout);
  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout: t.keepAliveTimeoutMs ?? 65_000,
      // How often Node checks the two timeouts above (default 30 s): a fraction of the shortest.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4))),
    },
    withRequestContext(listener),
  );
  // What Node's parser refuses before any handler runs (an unknown method such as FOO, a
  // malformed request line, oversized headers, a timeout) is answered as problem+json too.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const [code, status, detail] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? (["bad_request", 431, "The request headers are too large."] as const)
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? (["bad_request", 408, "The request took too long to arrive."] as const)
          : (["bad_request", 400, "The request is not valid HTTP (or uses an unsupported method)."] as const);
    const body = JSON.stringify({ ...problemBody(new AppError(code, detail)), status, title: STATUS_TEXT[status] });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };
