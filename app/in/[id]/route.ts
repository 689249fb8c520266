// The receiving URL of an incoming webhook. External services POST here with the integration
// token; the request is stored (and handled) before the 202. Refusals are problem+json and
// store nothing: 401 token or signature, 404 unknown or inactive webhook, 405 method,
// 413 body over 1 MiB, 429 rate limit (Retry-After), 400/422 a body the event handler cannot use.
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { rateLimitHeaders } from "@/lib/api/rate-limit";
import { requestInfo } from "@/lib/api/request-info";
import { json } from "@/lib/api/with-api";
import { readRawBody, tooLarge } from "@/lib/inbound/read-raw-body";
import { acceptInboundMessage, authorizeInbound } from "@/lib/inbound/receive-message";
import { INBOUND_MAX_BODY_BYTES } from "@/lib/validations/inbound";

type Route = { params: Promise<{ id: string }> };

// POST /in/{id}: receive one message; 202 { id, outcome, event_id }, or 200 with the first
// message's for a repeat of a verified Standard Webhooks message (same webhook-id)
export async function POST(req: Request, route: Route): Promise<Response> {
  const url = new URL(req.url);
  try {
    const { id } = await route.params;
    if (Number(req.headers.get("content-length") ?? "0") > INBOUND_MAX_BODY_BYTES) throw tooLarge(INBOUND_MAX_BODY_BYTES);
    const webhook = await authorizeInbound({ webhookId: id, headers: req.headers, query: url.searchParams });
    const body = await readRawBody(req, INBOUND_MAX_BODY_BYTES);
    const r = await acceptInboundMessage(webhook, {
      method: req.method,
      headers: req.headers,
      query: url.searchParams,
      ip: requestInfo(req.headers).ip,
      body,
    });
    return json(
      { id: r.id, outcome: r.outcome, event_id: r.eventId, ...(r.error ? { error: r.error } : {}), ...(r.duplicate ? { duplicate: true } : {}) },
      { status: r.duplicate ? 200 : 202, headers: rateLimitHeaders(webhook.rate) },
    );
  } catch (err) {
    return problemResponse(err, url.pathname);
  }
}

function methodNotAllowed(req: Request): Response {
  const err = new AppError("method_not_allowed", `${req.method} is not accepted here; send the webhook as POST.`, { headers: { Allow: "POST" } });
  return problemResponse(err, new URL(req.url).pathname);
}

// Anything but POST: 405 with Allow: POST
export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
