// The one wrapper every /api/v1 route handler uses: authenticates the caller (console session
// or bearer token), resolves org and environment, checks role or scope, reads and limits the
// body, applies Idempotency-Key on POST, and maps every error to application/problem+json.
import type { z } from "zod";
import { AppError, zodFieldErrors, describeFieldErrors, formatFieldPath, UNKNOWN_FIELD_MESSAGE } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { claimIdempotencyKey, completeIdempotencyKey, hashRequest } from "@/lib/api/idempotency";
import { rateLimit, rateLimitHeaders } from "@/lib/api/rate-limit";
import { requestInfo, requestOrigin, type RequestInfo } from "@/lib/api/request-info";
import { TextResponse } from "@/lib/api/text-response";
import { BufferedRequest } from "@/lib/http/buffered-request";
import { isStorableString, jsonValueProblem } from "@/lib/http/well-formed";
import { getSessionUser, resolveMembership, ORG_COOKIE, ENV_COOKIE } from "@/lib/auth/session";
import { authenticateToken } from "@/lib/credentials/authenticate-token";
import { completedElsewhere } from "@/lib/api/recover-request";
import type { Environment, Role } from "@/lib/generated/prisma/client";
import { hasRole } from "@/lib/orgs/roles";
import { currentRequest, requestIdFrom, runInRequestContext } from "@/lib/observability/log";

export type SessionCaller = { kind: "session"; userId: string; label: string; role: Role };
export type TokenCallerView = { kind: "token"; credentialId: string; tokenId: string; label: string; scopes: string[] };
export type Caller = SessionCaller | TokenCallerView;

/** What domain functions need to write an audit entry. */
export type ActorContext = {
  actor: { type: "user" | "credential" | "system"; id: string | null; label: string };
  ip: string | null;
  userAgent: string | null;
};

export type ApiContext<P> = {
  req: Request;
  url: URL;
  params: P;
  caller: Caller;
  orgId: string;
  environment: Environment;
  info: RequestInfo;
  actor: ActorContext;
  /** The JSON body validated by `schema`; 422 with field paths otherwise. */
  body<T>(schema: z.ZodType<T>): T;
  /** The query string validated by `schema`. */
  query<T>(schema: z.ZodType<T>): T;
  /**
   * The Idempotency-Key claim of this request, if it sent one. A handler whose work commits in one
   * statement marks the claim in it (see `ApiOptions.recover`).
   */
  idempotencyClaimId: string | null;
};

export type ApiOptions = {
  /** Scopes a bearer token needs (all of them). */
  scopes?: string[];
  /** The least role a console user needs. Defaults to viewer for reads, developer for writes. */
  role?: Role;
  /** Only console sessions (credential management). */
  sessionOnly?: boolean;
  maxBodyBytes?: number;
  /**
   * The answer for a request whose work was committed (its claim marked with `resourceRef`) but
   * whose response was never stored: the process crashed in between. Routes that mark claims
   * must give it.
   */
  recover?: (resourceRef: string, ctx: ApiContext<never>) => Promise<Response>;
};

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new TextResponse(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...init.headers },
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/** GATEHOUSE_API_RATE_LIMIT: requests per credential per minute with its access tokens (default 6,000). */
function apiRateLimit(): number {
  const n = Number(process.env.GATEHOUSE_API_RATE_LIMIT);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 6_000;
}

/**
 * Counts a call made with an access token against its credential's limit (every process shares
 * the count: lib/api/rate-limit.ts); throws 429 past it. The headers go on the answer either way.
 */
async function limitCredential(credentialId: string): Promise<Record<string, string>> {
  const limit = apiRateLimit();
  const r = await rateLimit(`api:credential:${credentialId}`, limit, 60_000, { policy: "api" });
  const headers = rateLimitHeaders(r);
  if (!r.ok) {
    throw new AppError("rate_limited", `This credential may make ${limit} API requests per minute; retry after ${r.resetSeconds} s.`, { headers });
  }
  return headers;
}

function withHeaders(res: Response, headers: Record<string, string> | undefined): Response {
  if (!headers) return res;
  try {
    for (const k in headers) res.headers.set(k, headers[k]!);
  } catch {
    // an immutable Response (none of ours): sent without them
  }
  return res;
}

export function withApi<P = Record<string, never>>(
  opts: ApiOptions,
  handler: (ctx: ApiContext<P>) => Promise<Response>,
) {
  const fn = (req: Request, route?: { params?: Promise<P> }): Promise<Response> => {
    if (currentRequest()) return serve(req, route);
    // Next.js's module graph has a request context of its own: entered here from the id the
    // edge set (lib/http/edge.ts), or a fresh one under `next dev`, which has no edge.
    const given = req.headers.get("x-request-id");
    const requestId = requestIdFrom(given);
    return runInRequestContext({ requestId }, async () => {
      const res = await serve(req, route);
      if (given !== requestId) {
        try {
          res.headers.set("x-request-id", requestId);
        } catch {
          // immutable headers (a redirect): the id is still on the log lines
        }
      }
      return res;
    });
  };
  const serve = async (req: Request, route?: { params?: Promise<P> }): Promise<Response> => {
    const url = new URL(req.url);
    let limitHeaders: Record<string, string> | undefined;
    try {
      return withHeaders(await serve(), limitHeaders);
    } catch (err) {
      return withHeaders(problemResponse(err, url.pathname), limitHeaders);
    }

    async function serve(): Promise<Response> {
      const params = ((await route?.params) ?? {}) as P;
      checkUrlInput(url, params);
      const auth = await authenticate(req, opts);
      if (auth.caller.kind === "token") limitHeaders = await limitCredential(auth.caller.credentialId);
      const raw = UNSAFE.has(req.method) ? await readBody(req, opts.maxBodyBytes ?? DEFAULT_MAX_BODY) : "";
      let parsed: unknown = undefined;
      let parsedOk = false;
      const info = requestInfo(req.headers);
      const ctx: ApiContext<P> = {
        req,
        url,
        params,
        caller: auth.caller,
        orgId: auth.orgId,
        environment: auth.environment,
        info,
        idempotencyClaimId: null,
        actor: {
          actor: {
            type: auth.caller.kind === "session" ? "user" : "credential",
            id: auth.caller.kind === "session" ? auth.caller.userId : auth.caller.credentialId,
            label: auth.caller.label,
          },
          ip: info.ip,
          userAgent: info.userAgent,
        },
        body(schema) {
          if (!parsedOk) {
            parsed = parseJson(req, raw);
            parsedOk = true;
          }
          return validate(schema, parsed);
        },
        query(schema) {
          queryRead = true;
          return validate(schema, queryObject(url));
        },
      };
      // Query parameters a handler does not read are refused, never ignored. Unsafe methods read
      // none (their input is the body): refused before the handler runs, as it changes things.
      let queryRead = false;
      if (UNSAFE.has(req.method)) refuseQuery(url);
      const run = async () => {
        const res = await handler(ctx);
        if (!queryRead) refuseQuery(url);
        return res;
      };

      const key = req.method === "POST" ? req.headers.get("idempotency-key") : null;
      if (!key) return await run();

      const callerId = auth.caller.kind === "session" ? `u:${auth.caller.userId}` : `c:${auth.caller.credentialId}`;
      const scope = `${auth.orgId}:${auth.environment}:${callerId}`;
      const claim = await claimIdempotencyKey(scope, key, hashRequest(req.method, url.pathname, raw));
      if (claim.kind === "replay") {
        return json(claim.body ?? null, { status: claim.status, headers: { "Idempotent-Replayed": "true", ...claim.headers } });
      }
      if (claim.kind === "recover") {
        let recovered: Response;
        try {
          recovered = opts.recover
            ? await opts.recover(claim.resourceRef, ctx as unknown as ApiContext<never>)
            : await completedElsewhere(claim.resourceRef, auth.orgId);
        } catch (err) {
          recovered = problemResponse(err, url.pathname);
        }
        const text = await recovered.clone().text();
        await completeIdempotencyKey(claim.id, recovered.status, text ? JSON.parse(text) : null);
        recovered.headers.set("Idempotent-Replayed", "true");
        return recovered;
      }
      ctx.idempotencyClaimId = claim.id;
      const context = currentRequest();
      if (context) context.idempotencyClaimId = claim.id; // the first audit event marks the claim
      let res: Response;
      try {
        res = await run();
      } catch (err) {
        const problem = problemResponse(err, url.pathname);
        await completeIdempotencyKey(claim.id, problem.status, await problem.clone().json());
        return problem;
      }
      const text = await res.clone().text();
      await completeIdempotencyKey(claim.id, res.status, text ? JSON.parse(text) : null);
      return res;
    }
  };
  // The lean layer reads no more of a body than this before the handler runs (node-adapter.ts).
  return Object.assign(fn, { maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY });
}

/** The query string as an object; a parameter sent twice keeps every value (the schema refuses the array). */
function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    out[k] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/** 422 naming every query parameter, for operations that take none. */
function refuseQuery(url: URL) {
  const names = [...new Set(url.searchParams.keys())];
  if (!names.length) return;
  const errors = names.map((field) => ({ field: field.slice(0, 64), message: UNKNOWN_FIELD_MESSAGE }));
  throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
}

/** Path parameters and query values the database can store (no NUL, no lone surrogate); 400 otherwise. */
function checkUrlInput(url: URL, params: unknown) {
  for (const [k, v] of url.searchParams) {
    if (!isStorableString(k) || !isStorableString(v)) {
      throw new AppError("bad_request", "The query string contains NUL or an invalid escape.", { errors: [{ field: k.slice(0, 64), message: "not storable text" }] });
    }
  }
  for (const v of Object.values((params ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string" && !isStorableString(v)) throw new AppError("bad_request", "The path contains NUL or an invalid escape.");
  }
}

type Authenticated = { caller: Caller; orgId: string; environment: Environment };

async function authenticate(req: Request, opts: ApiOptions): Promise<Authenticated> {
  const authz = req.headers.get("authorization");
  if (authz && /^bearer\s/i.test(authz)) {
    if (opts.sessionOnly) {
      throw new AppError("forbidden", "This operation is only available in the console, not with an access token.");
    }
    const t = await authenticateToken(authz.slice(7).trim());
    const missing = (opts.scopes ?? []).filter((s) => !t.scopes.includes(s));
    if (missing.length) {
      throw new AppError("insufficient_scope", `This request needs the scope ${missing.join(" ")}.`, {
        headers: {
          "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${(opts.scopes ?? []).join(" ")}"`,
        },
      });
    }
    return {
      caller: { kind: "token", credentialId: t.credentialId, tokenId: t.tokenId, label: t.label, scopes: t.scopes },
      orgId: t.orgId,
      environment: t.environment,
    };
  }

  const user = await getSessionUser();
  if (!user) {
    throw new AppError("unauthorized", "Sign in to the console, or send an access token as `Authorization: Bearer <token>`.", {
      headers: { "WWW-Authenticate": 'Bearer realm="gatehouse"' },
    });
  }
  if (UNSAFE.has(req.method)) checkSameOrigin(req);
  const cookies = parseCookies(req.headers.get("cookie"));
  // The header is the caller's explicit choice: an org they do not belong to is refused, never
  // swapped for another (a silent fallback answers with data of an org the caller did not name).
  // The cookie is the console's remembered choice and may be stale (removed from that org): it
  // falls back to the first org, as the console's pages do.
  const namedOrg = req.headers.get("x-gatehouse-org");
  const m = await resolveMembership(
    user.id,
    namedOrg ?? cookies[ORG_COOKIE],
    req.headers.get("x-gatehouse-environment") ?? cookies[ENV_COOKIE],
  );
  if (!m) throw new AppError("forbidden", "You are not a member of any organization.");
  if (namedOrg !== null && m.org.id !== namedOrg) {
    throw new AppError("forbidden", "You are not a member of the organization named by x-gatehouse-org.");
  }
  const needed = opts.role ?? (UNSAFE.has(req.method) ? "developer" : "viewer");
  if (!hasRole(m.role, needed)) {
    throw new AppError("forbidden", `This needs the ${needed} role or higher; you are ${m.role === "admin" ? "an" : "a"} ${m.role}.`);
  }
  return {
    caller: { kind: "session", userId: user.id, label: user.email, role: m.role },
    orgId: m.org.id,
    environment: m.environment,
  };
}

// Session cookies ride along on cross-site requests; unsafe methods must come from our own pages.
function checkSameOrigin(req: Request) {
  const origin = req.headers.get("origin");
  if (origin) {
    if (origin !== requestOrigin(req)) {
      throw new AppError("forbidden", "Cross-site request refused: the Origin does not match this console.");
    }
    return;
  }
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "Cross-site request refused.");
  }
  if (!site) throw new AppError("forbidden", "Requests made with a console session must send an Origin header.");
}

async function readBody(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw new AppError("payload_too_large", `The request body is larger than ${max} bytes.`);
  // The lean layer has the body whole already: no stream to read it back from.
  const buffered = req instanceof BufferedRequest ? req.takeBuffer() : undefined;
  if (buffered) {
    if (buffered.byteLength > max) throw new AppError("payload_too_large", `The request body is larger than ${max} bytes.`);
    return buffered.toString("utf8");
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", `The request body is larger than ${max} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(req: Request, raw: string): unknown {
  if (!raw.trim()) return undefined;
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.", {
      errors: [{ field: "(body)", message: "not valid JSON" }],
    });
  }
  // Every route's property, not each route's: input the database or a schema walker cannot take.
  const problem = jsonValueProblem(value);
  if (problem?.kind === "depth") {
    throw new AppError("bad_request", `The request body cannot be accepted: ${problem.message}.`, { errors: [{ field: "(body)", message: problem.message }] });
  }
  if (problem) {
    const field = formatFieldPath(problem.path);
    throw new AppError("validation_failed", `${field}: ${problem.message}`, { errors: [{ field, message: problem.message }] });
  }
  return value;
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const errors = zodFieldErrors(r.error);
  throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
}

function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a cookie that is not ours (bad escape): ignored, as a browser would send it
    }
  }
  return out;
}
