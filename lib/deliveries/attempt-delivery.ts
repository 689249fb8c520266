// One delivery attempt: sign the exact bytes, POST them, record the attempt, and decide what
// comes next. Called by the Inngest function once per (step-level) try; it knows nothing of
// Inngest and reports the outcome for the function to act on.
import { Webhook } from "standardwebhooks";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { retryDelayMs, parseRetryAfter, retrySchedule } from "@/lib/deliveries/retry-schedule";
import { sendRequest, type SendResult } from "@/lib/deliveries/send-request";
import { forwardRequest } from "@/lib/inbound/forward-request";
import { holdDeliveryIfEndpointPaused } from "@/lib/webhooks/set-endpoint-status";
import { endpointAuthToken, endpointSigningSecrets } from "@/lib/webhooks/signing-secret";
import { allowPrivateUrls, checkUrlSyntax } from "@/lib/webhooks/url-policy";
import { sql } from "@/lib/db/sql";
import type { Delivery, Endpoint, Environment, Event, Prisma } from "@/lib/generated/prisma/client";
import { timeOrderedId } from "@/lib/webhooks/ids";

export const USER_AGENT = "Gatehouse-Webhooks/1.0";

export type AttemptOutcome =
  | { kind: "succeeded"; status: number }
  | { kind: "held" }
  | { kind: "skipped"; reason: string } // already finished, or gone
  | { kind: "retry"; delayMs: number; message: string }
  | { kind: "failed"; message: string }; // last attempt failed, or the receiver said 410

/** The exact JSON bytes receivers get: Standard Webhooks' {type, timestamp, data} plus ids. */
export function payloadFor(event: { id: string; type: string; createdAt: Date; environment: string; payload: unknown }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    environment: event.environment,
    data: event.payload,
  });
}

/** `v1,<sig>` for each secret, space-separated (two during a rotation window). */
export function signatureHeader(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(msgId, timestamp, body)).join(" ");
}

const SAFE_HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED = new Set(["content-type", "content-length", "host", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature", "authorization", "transfer-encoding", "connection"]);

function customHeaders(json: Prisma.JsonValue): Record<string, string> {
  const out: Record<string, string> = {};
  if (json && typeof json === "object" && !Array.isArray(json)) {
    for (const [k, v] of Object.entries(json)) {
      if (typeof v === "string" && SAFE_HEADER.test(k) && !RESERVED.has(k.toLowerCase()) && !/[\r\n]/.test(v)) out[k] = v;
    }
  }
  return out;
}

type DeliveryToSend = Pick<Delivery, "id" | "status" | "eventId"> & {
  endpoint: Pick<
    Endpoint,
    | "id" | "orgId" | "environment" | "name" | "url" | "headers" | "secretEncrypted" | "previousSecretEncrypted"
    | "previousSecretUntil" | "authTokenEncrypted" | "timeoutSeconds" | "status" | "disabledReason" | "inboundWebhookId"
  >;
  event: Pick<Event, "id" | "type" | "createdAt" | "environment" | "payload">;
};

/** A delivery with what sending it needs from its endpoint and event, in one query (once per attempt). */
async function loadDelivery(id: string): Promise<DeliveryToSend | null> {
  type Row = Pick<Delivery, "id" | "status" | "eventId"> &
    Omit<DeliveryToSend["endpoint"], "id" | "status"> & { endpointId: string; endpointStatus: Endpoint["status"] } & {
      type: string;
      eventCreatedAt: Date;
      eventEnvironment: Environment;
      payload: Prisma.JsonValue;
    };
  const [r] = await sql<Row>(
    `SELECT d."id", d."status"::text AS "status", d."eventId", e."id" AS "endpointId", e."orgId", e."environment"::text AS "environment",
       e."name", e."url", e."headers", e."secretEncrypted", e."previousSecretEncrypted",
       (e."previousSecretUntil" AT TIME ZONE 'UTC') AS "previousSecretUntil", e."authTokenEncrypted", e."timeoutSeconds",
       e."status"::text AS "endpointStatus", e."disabledReason", e."inboundWebhookId",
       ev."type", (ev."createdAt" AT TIME ZONE 'UTC') AS "eventCreatedAt", ev."environment"::text AS "eventEnvironment", ev."payload"
     FROM "Delivery" d JOIN "Endpoint" e ON e."id" = d."endpointId" JOIN "Event" ev ON ev."id" = d."eventId"
     WHERE d."id" = $1`,
    [id],
  );
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    eventId: r.eventId,
    endpoint: {
      id: r.endpointId,
      orgId: r.orgId,
      environment: r.environment,
      name: r.name,
      url: r.url,
      headers: r.headers,
      secretEncrypted: r.secretEncrypted,
      previousSecretEncrypted: r.previousSecretEncrypted,
      previousSecretUntil: r.previousSecretUntil,
      authTokenEncrypted: r.authTokenEncrypted,
      timeoutSeconds: r.timeoutSeconds,
      status: r.endpointStatus,
      disabledReason: r.disabledReason,
      inboundWebhookId: r.inboundWebhookId,
    },
    event: { id: r.eventId, type: r.type, createdAt: r.eventCreatedAt, environment: r.eventEnvironment, payload: r.payload },
  };
}

/** `attempt` is 0-based: the number of earlier tries of this run. */
export async function attemptDelivery(opts: { deliveryId: string; attempt: number }): Promise<AttemptOutcome> {
  const schedule = retrySchedule();
  const d = await loadDelivery(opts.deliveryId);
  if (!d) return { kind: "skipped", reason: "delivery no longer exists (endpoint deleted)" };
  if (d.status === "succeeded" || d.status === "failed") return { kind: "skipped", reason: `already ${d.status}` };
  if (d.status === "held") return { kind: "held" };
  // Only a paused endpoint holds; the locked check settles a race with a resume (see there).
  if (d.endpoint.status === "paused" && (await holdDeliveryIfEndpointPaused(d.id))) return { kind: "held" };
  const endpoint = d.endpoint;
  if (endpoint.status === "disabled") {
    const message = `endpoint disabled: ${endpoint.disabledReason ?? "by an admin"}`;
    await db.delivery.update({ where: { id: d.id }, data: { status: "failed", lastError: message, completedAt: new Date(), nextAttemptAt: null } });
    return { kind: "failed", message };
  }

  const now = new Date();
  const msgId = d.id; // stable across this delivery's retries
  // An incoming webhook's forward endpoint relays the stored request bytes instead of an envelope.
  const forward = endpoint.inboundWebhookId ? await forwardRequest(d.eventId) : null;
  if (endpoint.inboundWebhookId && !forward) return { kind: "skipped", reason: "the forwarded message no longer exists" };
  const body = forward ? forward.body : payloadFor({ ...d.event, payload: d.event.payload });
  const secrets = endpointSigningSecrets(endpoint, now);
  const headers: Record<string, string> = {
    ...customHeaders(endpoint.headers),
    "content-type": "application/json",
    ...forward?.headers,
    "user-agent": USER_AGENT,
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": forward ? forward.sign(secrets, msgId, now) : signatureHeader(secrets, msgId, now, body as string),
  };
  const token = endpointAuthToken(endpoint);
  const allowPrivate = allowPrivateUrls();
  const syntax = checkUrlSyntax(endpoint.url, { environment: endpoint.environment, allowPrivate });
  const result: SendResult = syntax.ok
    ? await sendRequest({
        url: endpoint.url,
        headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
        body,
        timeoutMs: endpoint.timeoutSeconds * 1000,
        allowPrivate,
      })
    : { status: null, headers: {}, body: null, latencyMs: 0, error: `refused: ${syntax.problem.message}` };

  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const isLast = opts.attempt >= schedule.length;
  const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers["retry-after"]) : null;
  const delayMs = retryDelayMs(opts.attempt, retryAfter, schedule);
  const message = result.error ?? `HTTP ${result.status}`;
  const status = ok ? "succeeded" : gone || isLast ? "failed" : "pending";

  // The recorded request shows what was sent, with the bearer token masked.
  const recordedHeaders = token ? { ...headers, authorization: "Bearer ••••••" } : headers;
  // Disabled first: once the delivery shows failed, the endpoint shows why. After a crash in
  // between, the retry finds the endpoint disabled and fails the delivery with that reason.
  if (gone) await disableGoneEndpoint(endpoint, d.id);
  await recordAttempt({
    deliveryId: d.id,
    endpointId: endpoint.id,
    status,
    at: now,
    nextAttemptAt: status === "pending" ? new Date(Date.now() + delayMs) : null,
    ok,
    error: ok ? null : message,
    result,
    requestHeaders: recordedHeaders,
    requestBody: forward ? forward.recordedBody : (body as string),
  });

  if (ok) return { kind: "succeeded", status: result.status! };
  if (status === "failed") return { kind: "failed", message: gone ? "410 Gone: endpoint disabled" : message };
  return { kind: "retry", delayMs, message };
}

/**
 * The attempt's outcome on the delivery, the attempt row and the endpoint's consecutive-failure
 * count, in one statement (atomic, one round trip: this runs once per delivery). A success only
 * touches the endpoint row when its count was not already 0, so concurrent deliveries to one
 * endpoint do not queue on its row lock.
 */
async function recordAttempt(a: {
  deliveryId: string;
  endpointId: string;
  status: "succeeded" | "failed" | "pending";
  at: Date;
  nextAttemptAt: Date | null;
  ok: boolean;
  error: string | null;
  result: SendResult;
  requestHeaders: Record<string, string>;
  requestBody: string;
}): Promise<void> {
  const iso = (t: Date | null) => (t ? t.toISOString() : null);
  const done = a.status === "pending" ? null : new Date();
  await sql(
    `WITH d AS (
       UPDATE "Delivery" SET "attempts" = "attempts" + 1, "status" = $2::"DeliveryStatus", "lastAttemptAt" = $3::timestamp,
         "lastResponseStatus" = $4::int, "lastError" = $5, "nextAttemptAt" = $6::timestamp, "completedAt" = $7::timestamp,
         "updatedAt" = $8::timestamp
       WHERE "id" = $1 RETURNING "id", "attempts"),
     a AS (
       INSERT INTO "DeliveryAttempt" ("id", "deliveryId", "number", "requestHeaders", "requestBody", "responseStatus",
         "responseHeaders", "responseBody", "latencyMs", "error", "createdAt")
       SELECT $9, d."id", d."attempts", $10::jsonb, $11, $4::int, $12::jsonb, $13, $14::int, $15, $8::timestamp FROM d)
     UPDATE "Endpoint" SET "consecutiveFailures" = CASE WHEN $16::boolean THEN 0 ELSE "consecutiveFailures" + 1 END,
       "updatedAt" = $8::timestamp
     WHERE "id" = $17 AND (NOT $16::boolean OR "consecutiveFailures" <> 0) AND EXISTS (SELECT 1 FROM d)`,
    [
      a.deliveryId,
      a.status,
      iso(a.at),
      a.result.status,
      a.error,
      iso(a.nextAttemptAt),
      iso(done),
      new Date().toISOString(),
      `att_${timeOrderedId()}`,
      JSON.stringify(a.requestHeaders),
      a.requestBody,
      a.result.status === null ? null : JSON.stringify(a.result.headers),
      a.result.body,
      a.result.latencyMs,
      a.result.error ?? null,
      a.ok,
      a.endpointId,
    ],
  );
}

/** A 410 Gone disables the endpoint, once, with an audit entry naming the delivery. */
async function disableGoneEndpoint(endpoint: { id: string; orgId: string; environment: Environment; name: string; status: string }, deliveryId: string): Promise<void> {
  const reason = "the receiver answered 410 Gone";
  await db.$transaction(async (tx) => {
    const { count } = await tx.endpoint.updateMany({
      where: { id: endpoint.id, status: { not: "disabled" } },
      data: { status: "disabled", disabledAt: new Date(), disabledReason: reason },
    });
    if (count === 0) return; // already disabled, by an admin or a concurrent 410
    await recordAuditEvent(tx, {
      orgId: endpoint.orgId,
      environment: endpoint.environment,
      ctx: { actor: { type: "system", id: null, label: "Gatehouse" } },
      action: "endpoint.disabled",
      target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
      before: { status: endpoint.status },
      after: { status: "disabled", reason, delivery_id: deliveryId },
    });
  });
}

/** Called when the function gives up (onFailure): the delivery is failed, never left pending. */
export async function markDeliveryFailed(deliveryId: string, message: string): Promise<void> {
  await db.delivery.updateMany({
    where: { id: deliveryId, status: { in: ["pending"] } },
    data: { status: "failed", lastError: message.slice(0, 2000), completedAt: new Date(), nextAttemptAt: null },
  });
}
