// The one wrapper of the OAuth endpoints: form parsing, client authentication, rate limits
// per client and per IP (RateLimit-* headers, 429 + Retry-After), and §5.2 error bodies.
import { rateLimits, rateLimitHeaders, type RateLimitResult } from "@/lib/api/rate-limit";
import { requestInfo, requestOrigin } from "@/lib/api/request-info";
import { AppError, isDatabaseUnavailable } from "@/lib/api/errors";
import { TextResponse } from "@/lib/api/text-response";
import { readRawBody } from "@/lib/inbound/read-raw-body";
import { BufferedRequest } from "@/lib/http/buffered-request";
import { isStorableString } from "@/lib/http/well-formed";
import { authenticateClient, OAuthError, parseForm, readClientAuth } from "@/lib/credentials/oauth";
import type { ClientProof, OAuthClient } from "@/lib/credentials/oauth-types";
import type { PlainAnswer, PlainRequest } from "@/lib/http/node-adapter";
import { briefError, log } from "@/lib/observability/log";

const WINDOW_MS = 60_000;
const perClient = () => Number(process.env.GATEHOUSE_TOKEN_RATE_LIMIT ?? 600); // requests per client per minute
const perIp = () => perClient() * 4;
const MAX_BODY = 16 * 1024;

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/**
 * An OAuth endpoint's answer, written by either layer: as a web Response (Next.js, and the web
 * handler), or straight to node:http by the lean layer (PlainAnswer, node-adapter.ts).
 * Header names are lower case, each once.
 */
export type OAuthAnswer = PlainAnswer;

/** What a handler may know of the request besides its form: the client's address and this server's origin. */
export type OAuthCall = { ip: string | null; origin(): string };

/** A JSON answer that no cache may keep; `headers`' names in lower case. */
export function oauthJson(body: unknown, status = 200, headers: Record<string, string> = {}): OAuthAnswer {
  return { status, headers: { "content-type": "application/json", ...NO_STORE, ...headers }, body: JSON.stringify(body) };
}

/** The web Response of an answer, as the lean layer writes it (sendPlainAnswer). */
export function oauthResponse(a: OAuthAnswer): Response {
  return a.body === null ? new Response(null, { status: a.status, headers: a.headers }) : new TextResponse(a.body, { status: a.status, headers: a.headers });
}

/** `h` with lower-case names, as a Headers object would hold them. */
function lower(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) out[k.toLowerCase()] = h[k]!;
  return out;
}

/** What the endpoints read of a request, from a web Request or from the lean layer's PlainRequest. */
type OAuthInput = {
  url: string;
  header(name: string): string | null;
  /** The body's bytes (at most MAX_BODY); an OAuthError when it cannot be read or is larger. */
  body(): Promise<Buffer> | Buffer;
};

function tighter(a: RateLimitResult, b: RateLimitResult): RateLimitResult {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return a.remaining / a.limit <= b.remaining / b.limit ? a : b;
}

/**
 * `outcome`: told how each request ended (`issued`, `rate_limited` or the RFC 6749 error code), for metrics.
 * The handler it makes is a web route handler (Request → Response, for Next.js) that carries the
 * same handler as `plain` (node-adapter.ts), which the lean layer calls without web objects.
 */
export function withOAuthClient(
  handler: (client: OAuthClient, form: URLSearchParams, call: OAuthCall, via: ClientProof) => Promise<OAuthAnswer>,
  opts: { outcome?: (outcome: string) => void } = {},
) {
  const run = async (input: OAuthInput): Promise<OAuthAnswer> => {
    let code = "server_error";
    const res = await answer(input, (c) => (code = c));
    opts.outcome?.(res.status === 200 ? "issued" : res.status === 429 ? "rate_limited" : code);
    return res;
  };
  const answer = async (input: OAuthInput, note: (code: string) => void): Promise<OAuthAnswer> => {
    let limitHeaders: Record<string, string> = {};
    try {
      const headers = { get: input.header };
      const ip = requestInfo(headers).ip;
      const ipKey = ip ?? "unknown";
      // The body is read and parsed first (at most MAX_BODY), so that the address's and the
      // client's counts go to the database in one statement; a request refused by its address
      // is still counted and answered 429 before anything else is looked at.
      let auth: ReturnType<typeof readClientAuth> | undefined;
      let form: URLSearchParams | undefined;
      let early: unknown;
      try {
        ({ auth, form } = await readRequest(input));
      } catch (err) {
        early = err;
      }
      const clientBucket = auth ? [{ key: `oauth:client:${auth.clientId.slice(0, 64)}`, limit: perClient(), windowMs: WINDOW_MS, policy: "oauth-client" }] : [];
      const [byIp, byClient] = await rateLimits([{ key: `oauth:ip:${ipKey}`, limit: perIp(), windowMs: WINDOW_MS, policy: "oauth-address" }, ...clientBucket]);
      limitHeaders = lower(rateLimitHeaders(byClient ? tighter(byClient, byIp!) : byIp!));
      if (!byIp!.ok) return tooMany(lower(rateLimitHeaders(byIp!)));
      if (!auth || !form || !byClient) throw early;
      if (!byClient.ok) return tooMany(limitHeaders);
      const origin = () => requestOrigin({ url: input.url, headers });
      const { client, via } = await authenticateClient(auth, ip, () => assertionAudiences(origin(), input.url));
      const res = await handler(client, form, { ip, origin }, via);
      return { status: res.status, headers: { ...res.headers, ...limitHeaders }, body: res.body };
    } catch (err) {
      if (err instanceof OAuthError) {
        const h: Record<string, string> = { ...limitHeaders };
        if (err.status === 401 && err.basicAuthUsed) h["www-authenticate"] = 'Basic realm="gatehouse", charset="UTF-8"';
        note(err.error);
        if (err.retryAfterSeconds) h["retry-after"] = String(err.retryAfterSeconds);
        return oauthJson({ error: err.error, error_description: err.description }, err.status, h);
      }
      // A 4xx from shared code (a malformed origin, an unreadable body): still an RFC 6749 error.
      if (err instanceof AppError && err.status < 500) {
        note("invalid_request");
        return oauthJson({ error: "invalid_request", error_description: err.message }, err.status, limitHeaders);
      }
      // The database is down: a dependency's outage, not our bug (no stack); retry shortly.
      if (isDatabaseUnavailable(err)) {
        log.warn({ error: briefError(err) }, "oauth endpoint: the database is not reachable");
        return oauthJson(
          { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Retry shortly." },
          503,
          { ...limitHeaders, "retry-after": "5" },
        );
      }
      log.error({ err }, "oauth endpoint failed");
      return oauthJson({ error: "server_error", error_description: "Something went wrong on our side." }, 500, limitHeaders);
    }
  };
  const fn = async (req: Request): Promise<Response> =>
    oauthResponse(await run({ url: req.url, header: (name) => req.headers.get(name), body: () => readWebBody(req) }));
  const plain = (req: PlainRequest): Promise<OAuthAnswer> => run({ url: req.url, header: req.header, body: () => req.body });
  // The lean layer reads no more of a body than this before the handler runs (node-adapter.ts).
  return Object.assign(fn, {
    maxBodyBytes: MAX_BODY,
    tooLarge: () => oauthResponse(oauthJson({ error: "invalid_request", error_description: tooLarge().description }, 413)),
    plain,
  });
}

/** A web Request's body: the lean layer's buffer when it has one, else read (at most MAX_BODY). */
async function readWebBody(req: Request): Promise<Buffer> {
  // The lean layer has read the body already (at most MAX_BODY): take its bytes rather than make
  // a stream of them to read back (BufferedRequest's body getter builds a whole second Request).
  const buffered = req instanceof BufferedRequest ? req.takeBuffer() : undefined;
  if (buffered) return buffered;
  return readRawBody(req, MAX_BODY).catch((err) => {
    throw err instanceof AppError && err.status === 413 ? tooLarge() : new OAuthError("invalid_request", "The request body could not be read.");
  });
}

async function readRequest(req: OAuthInput): Promise<{ form: URLSearchParams; auth: ReturnType<typeof readClientAuth> }> {
  // Read no more than MAX_BODY, whether or not a Content-Length was declared.
  if (Number(req.header("content-length") ?? "0") > MAX_BODY) throw tooLarge();
  const body = await req.body();
  if (body.byteLength > MAX_BODY) throw tooLarge();
  const form = parseForm(req.header("content-type"), body.toString("utf8"));
  for (const [k, v] of form) {
    if (!isStorableString(k) || !isStorableString(v)) throw new OAuthError("invalid_request", "A parameter contains NUL or an invalid character.");
  }
  const auth = readClientAuth(req.header("authorization"), form);
  if (!isStorableString(auth.clientId) || !isStorableString(auth.method === "private_key_jwt" ? auth.assertion : auth.clientSecret)) {
    throw new OAuthError("invalid_client", "Malformed client credentials.", 401, auth.method === "client_secret_basic");
  }
  return { form, auth };
}

/**
 * What a client assertion's `aud` may be (RFC 7523 §3): this server's issuer, its token endpoint,
 * or the URL of the endpoint it was sent to (introspection, revocation).
 */
function assertionAudiences(issuer: string, url: string): string[] {
  return [...new Set([issuer, `${issuer}/oauth/token`, `${issuer}${new URL(url).pathname}`])];
}

function tooLarge(): OAuthError {
  return new OAuthError("invalid_request", `The request body is larger than ${MAX_BODY} bytes.`, 413);
}

function tooMany(headers: Record<string, string>): OAuthAnswer {
  return oauthJson(
    { error: "rate_limited", error_description: `Too many requests. Retry after ${headers["retry-after"]} seconds.` },
    429,
    headers,
  );
}
