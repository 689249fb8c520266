// One HTTP POST to a receiver, measured and bounded: timeout, response body truncated to
// 16 KiB (NUL bytes replaced: PostgreSQL's text and jsonb cannot hold them, and one would fail
// the recording of the whole batch), and (unless private URLs are allowed) the connection
// refuses private addresses at DNS time, so a hostname cannot be re-pointed at an internal
// service after the check; an IP literal, which skips DNS, is checked before connecting. With a keep-alive agent the check holds too: it runs whenever the
// agent opens a connection.
import http from "node:http";
import https from "node:https";
import { isBlockedAddress, safeLookup } from "@/lib/webhooks/url-policy";

export const MAX_RESPONSE_BODY = 16 * 1024;

export type SendResult = {
  status: number | null;
  headers: Record<string, string>;
  body: string | null;
  latencyMs: number;
  error: string | null;
};

export function sendRequest(opts: {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  timeoutMs: number;
  allowPrivate: boolean;
  /** A keep-alive agent shared by the requests of one batch; without it, a fresh connection. */
  agent?: http.Agent;
  /** Cancels the request (the socket is destroyed): the result is an error "cancelled: <reason>". */
  signal?: AbortSignal;
}): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      resolve({ status: null, headers: {}, body: null, latencyMs: 0, error: "invalid URL" });
      return;
    }
    // An IP literal never goes through `lookup` (Node connects to it directly), so it is checked
    // here, on the URL that is actually requested.
    if (!opts.allowPrivate && isBlockedAddress(url.hostname)) {
      resolve({ status: null, headers: {}, body: null, latencyMs: 0, error: `refused: ${url.hostname} is a private, loopback or link-local address` });
      return;
    }
    const mod = url.protocol === "https:" ? https : http;
    const signal = opts.signal;
    const cancelled = () => `cancelled: ${typeof signal?.reason === "string" ? signal.reason : ((signal?.reason as Error)?.message ?? "aborted")}`;
    if (signal?.aborted) {
      resolve({ status: null, headers: {}, body: null, latencyMs: 0, error: cancelled() });
      return;
    }
    let settled = false;
    const onAbort = () => {
      req.destroy();
      done({ status: null, headers: {}, body: null, latencyMs: elapsed(), error: cancelled() });
    };
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(r);
    };
    let req: http.ClientRequest;
    try {
      req = mod.request(
        url,
        {
          method: "POST",
          headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
          lookup: opts.allowPrivate ? undefined : (safeLookup as never),
          agent: opts.agent ?? false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < MAX_RESPONSE_BODY) chunks.push(c.subarray(0, MAX_RESPONSE_BODY - size));
            size += c.length;
          });
          const finish = () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
            let body = Buffer.concat(chunks).toString("utf8").replaceAll("\0", "\uFFFD");
            if (size > MAX_RESPONSE_BODY) body += `\n… (${size - MAX_RESPONSE_BODY} more bytes not kept)`;
            done({ status: res.statusCode ?? null, headers, body, latencyMs: elapsed(), error: null });
          };
          // A response cut off before its end is not an answer: even after a 2xx status line the
          // receiver may have failed, so it is recorded without a status (a failed attempt, retried).
          const cutOff = () =>
            done({ status: null, headers: {}, body: null, latencyMs: elapsed(), error: `connection closed by the receiver mid-response (after HTTP ${res.statusCode})` });
          res.on("end", finish);
          res.on("error", cutOff);
          res.on("close", () => {
            if (!res.complete) cutOff();
          });
        },
      );
    } catch (err) {
      // Node refuses some requests before sending anything (a header value it cannot encode, an
      // invalid header name): a failed attempt with the reason, never an exception.
      resolve({ status: null, headers: {}, body: null, latencyMs: elapsed(), error: `request not sent: ${(err as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: null, headers: {}, body: null, latencyMs: elapsed(), error: `timeout after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err: NodeJS.ErrnoException) => done({ status: null, headers: {}, body: null, latencyMs: elapsed(), error: describeError(err) }));
    req.end(opts.body);
  });
}

function describeError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `DNS lookup failed (${err.code})`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset by the receiver";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `host unreachable (${err.code})`;
    default:
      // llhttp's parse errors (HPE_INVALID_CONSTANT, HPE_INVALID_HEADER_TOKEN, …): not HTTP at all.
      if (err.code?.startsWith("HPE_")) return `the receiver's answer is not a valid HTTP response (${err.message})`;
      if (err.name === "UrlPolicyError") return `refused: ${err.message}`;
      if (/certificate|SSL|TLS/i.test(err.message)) return `TLS error: ${err.message}`;
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
