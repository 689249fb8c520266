// The receiving URL of an incoming webhook. External services POST here with the integration
// token; the request is stored (and handled) before the 202. Refusals are problem+json and
// store nothing but a line in the webhook's rejected-requests log (time, source IP, reason, size;
// never the body): 401 token or signature, 404 unknown (not logged) or inactive webhook, 405
// method, 413 body over 1 MiB, 429 rate limit (Retry-After), 400/422 a body the event handler
// cannot use.
import { AppError, toAppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { rateLimitHeaders } from "@/lib/api/rate-limit";
import { requestInfo } from "@/lib/api/request-info";
import { json } from "@/lib/api/with-api";
import { readRawBody, tooLarge } from "@/lib/inbound/read-raw-body";
import { acceptInboundMessage, authorizeInbound } from "@/lib/inbound/receive-message";
import { InboundRejected, recordRejection, rejectionReason } from "@/lib/inbound/rejections";
import { INBOUND_ID_RE } from "@/lib/inbound/ids";
import { INBOUND_MAX_BODY_BYTES } from "@/lib/validations/inbound";

type Route = { params: Promise<{ id: string }> };

/** Logs a refusal against the webhook (unknown ids log nothing: the insert joins no webhook). */
async function logRejection(req: Request, id: string, err: unknown, bodySize: number | null): Promise<void> {
  const e = toAppError(err);
  // An unknown webhook is not anyone's to look at; a random id must cost no write.
  if (!INBOUND_ID_RE.test(id) || (e.code === "not_found" && !(err instanceof InboundRejected))) return;
  const declared = Number(req.headers.get("content-length"));
  await recordRejection({
    webhookId: id,
    method: req.method,
    sourceIp: requestInfo(req.headers).ip,
    userAgent: req.headers.get("user-agent"),
    status: e.status,
    reason: rejectionReason(err),
    detail: e.message,
    bodySize: bodySize ?? (req.headers.has("content-length") && Number.isFinite(declared) ? declared : null),
    tokenLast4: err instanceof InboundRejected ? err.tokenLast4 : null,
  });
}

// POST /in/{id}: receive one message; 202 { id, outcome, event_id }, or 200 with the first
// message's for a repeat of a verified sender's delivery id within the dedup window
export async function POST(req: Request, route: Route): Promise<Response> {
  const url = new URL(req.url);
  const { id } = await route.params;
  let bodySize: number | null = null;
  try {
    if (Number(req.headers.get("content-length") ?? "0") > INBOUND_MAX_BODY_BYTES) throw tooLarge(INBOUND_MAX_BODY_BYTES);
    const webhook = await authorizeInbound({ webhookId: id, headers: req.headers, query: url.searchParams });
    const body = await readRawBody(req, INBOUND_MAX_BODY_BYTES);
    bodySize = body.byteLength;
    const r = await acceptInboundMessage(webhook, {
      method: req.method,
      headers: req.headers,
      query: url.searchParams,
      ip: requestInfo(req.headers).ip,
      body,
    });
    return json(
      {
        id: r.id,
        outcome: r.outcome,
        event_id: r.eventId,
        ...(r.error ? { error: r.error } : {}),
        ...(r.duplicate ? { duplicate: true } : {}),
        ...(r.challenge ? { challenge: r.challenge } : {}),
      },
      // Slack wants its url_verification answered 200 with the challenge.
      { status: r.duplicate || r.challenge ? 200 : 202, headers: rateLimitHeaders(webhook.rate) },
    );
  } catch (err) {
    await logRejection(req, id, err, bodySize);
    return problemResponse(err, url.pathname);
  }
}

async function methodNotAllowed(req: Request, route: Route): Promise<Response> {
  const err = new AppError("method_not_allowed", `${req.method} is not accepted here; send the webhook as POST.`, { headers: { Allow: "POST" } });
  await logRejection(req, (await route.params).id, err, null);
  return problemResponse(err, new URL(req.url).pathname);
}

// Anything but POST: 405 with Allow: POST
export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
