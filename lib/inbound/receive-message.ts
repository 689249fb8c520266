// The receiving URL's work, in two steps so that no body is read for a caller who may not post:
// authorizeInbound (webhook, token, status, rate limit: headers only) and acceptInboundMessage
// (signature over the raw bytes, then the handler). Every refusal throws an AppError and writes
// nothing; an accepted request is committed before the caller answers 202.
import { provenanceMac, type EventCause } from "@/lib/events/provenance";
import { AppError, describeFieldErrors } from "@/lib/api/errors";
import { rateLimit, rateLimits, rateLimitHeaders, type RateLimitResult } from "@/lib/api/rate-limit";
import { digestEquals, sha256 } from "@/lib/credentials/hash";
import { parseSecret } from "@/lib/credentials/secret-format";
import { decrypt } from "@/lib/crypto/encryption";
import { db, type Tx } from "@/lib/db/client";
import { processBatcher, sql, valuesList } from "@/lib/db/sql";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { ingestEvent } from "@/lib/events/ingest-event";
import { validatePayload } from "@/lib/events/payload-schema";
import type {
  EndpointStatus,
  Environment,
  InboundHandler,
  InboundOutcome,
  InboundStatus,
  InboundVerification,
  Prisma,
} from "@/lib/generated/prisma/client";
import { INBOUND_ID_RE, newInboundMessageId } from "@/lib/inbound/ids";
import { INBOUND_MAX_BODY_BYTES } from "@/lib/validations/inbound";
import { InboundRejected } from "@/lib/inbound/rejections";
import { jsonField, senderDeliveryId, verifySender } from "@/lib/inbound/senders";
import { INBOUND_SENDERS } from "@/lib/validations/inbound";
import { ensureDefaultEventTypes } from "@/lib/webhooks/event-types";
import { newDeliveryId, newEventId } from "@/lib/webhooks/ids";
import { log } from "@/lib/observability/log";

/** The event type of the events that carry forwards (never fanned out to subscribed endpoints). */
export const FORWARD_EVENT_TYPE = "inbound.forwarded";

const TOKEN_HINT = "Send the integration token as `Authorization: Bearer <token>` (or `?token=<token>`).";

/** The webhook as the receiving URL needs it, with its forward endpoint (handler `forward`). */
export type AuthorizedWebhook = {
  id: string;
  /** Named as the cause of the events it makes (lib/events/provenance.ts). */
  name: string;
  orgId: string;
  environment: Environment;
  handler: InboundHandler;
  eventType: string | null;
  verification: InboundVerification;
  verificationSecretEncrypted: string | null;
  signatureHeader: string | null;
  tokenHash: string;
  previousTokenHash: string | null;
  previousTokenUntil: Date | null;
  status: InboundStatus;
  rateLimitPerMinute: number;
  dedupWindowSeconds: number;
  forwardEndpoint: { id: string; status: EndpointStatus } | null;
  rate: RateLimitResult;
  /** The token the request carried: its last four, and whether it is the previous one (grace period). */
  token: { last4: string; previous: boolean };
};

type WebhookRow = Omit<AuthorizedWebhook, "forwardEndpoint" | "rate" | "token"> & { fId: string | null; fStatus: EndpointStatus | null };

// Plain SQL, and batched: the receiving URL is the hottest public path, so concurrent requests'
// lookups share one query (`= ANY`) the way their inserts share a commit. Each query starts after
// every request in its batch arrived, so none sees the webhook as it was before its request.
type Found = Omit<AuthorizedWebhook, "rate" | "token">;
type Lookup = { id: string; found?: Found | null };

const lookupWebhooks = processBatcher<Lookup>("receive-message.lookupWebhooks", async (lookups) => {
  const ids = [...new Set(lookups.map((l) => l.id))];
  const rows = await sql<WebhookRow>(
    `SELECT w."id", w."name", w."orgId", w."environment", w."handler", w."eventType", w."verification", w."verificationSecretEncrypted",
            w."signatureHeader", w."tokenHash", w."previousTokenHash", w."previousTokenUntil" AT TIME ZONE 'UTC' AS "previousTokenUntil",
            w."status", w."rateLimitPerMinute", w."dedupWindowSeconds", e."id" AS "fId", e."status" AS "fStatus"
       FROM "InboundWebhook" w LEFT JOIN "Endpoint" e ON e."inboundWebhookId" = w."id"
      WHERE w."id" = ANY($1::text[])`,
    [ids],
  );
  const byId = new Map(rows.map(({ fId, fStatus, ...w }) => [w.id, { ...w, forwardEndpoint: fId ? { id: fId, status: fStatus! } : null }]));
  // Each caller gets its own copy: authorizeInbound spreads it, but nothing should share state.
  for (const l of lookups) {
    const w = byId.get(l.id);
    l.found = w ? { ...w, previousTokenUntil: w.previousTokenUntil ? new Date(w.previousTokenUntil) : null } : null;
  }
});

async function findWebhook(id: string): Promise<Found | null> {
  const lookup: Lookup = { id };
  await lookupWebhooks(lookup);
  return lookup.found ?? null;
}

/** The token from `Authorization: Bearer …`, else from `?token=`. */
export function inboundToken(headers: Headers, query: URLSearchParams): string | null {
  const authz = headers.get("authorization");
  if (authz && /^bearer\s+/i.test(authz)) return authz.replace(/^bearer\s+/i, "").trim() || null;
  return query.get("token");
}

export async function authorizeInbound(opts: { webhookId: string; headers: Headers; query: URLSearchParams }): Promise<AuthorizedWebhook> {
  const notFound = () => new AppError("not_found", "No incoming webhook at this URL.");
  if (!INBOUND_ID_RE.test(opts.webhookId)) throw notFound();
  const token = inboundToken(opts.headers, opts.query);
  const w = await findWebhook(opts.webhookId);
  if (!w) throw notFound();
  const last4 = token ? token.slice(-4) : null;
  const unauthorized = (reason: "token_missing" | "token_invalid", detail: string) =>
    new InboundRejected("unauthorized", reason, detail, { headers: { "WWW-Authenticate": 'Bearer realm="gatehouse-inbound"' }, tokenLast4: last4 });
  if (!token) throw unauthorized("token_missing", `This webhook needs its integration token. ${TOKEN_HINT}`);
  // Shape and checksum first (no hashing for garbage), then a constant-time compare with the
  // current token and, during a regeneration's grace period, the previous one.
  const parsed = parseSecret(token);
  const digest = parsed && parsed.kind === "inboundToken" && parsed.environment === w.environment ? sha256(token) : null;
  const current = !!digest && digestEquals(digest, w.tokenHash);
  const previous =
    !current && !!digest && !!w.previousTokenHash && !!w.previousTokenUntil && w.previousTokenUntil > new Date() && digestEquals(digest, w.previousTokenHash);
  if (!current && !previous) {
    throw unauthorized("token_invalid", "The integration token is not valid for this webhook (it may have been regenerated).");
  }
  // 404, not 410: deactivation can be undone, and 410 tells many senders (Gatehouse's own
  // delivery engine among them) to stop sending for good.
  if (w.status !== "active") {
    throw new InboundRejected("not_found", "inactive", "This incoming webhook is inactive; an admin can activate it in the console.", { tokenLast4: last4 });
  }
  // Counted in the database, so every process shares the limits.
  const rate = await rateLimit(`inbound:${w.id}`, w.rateLimitPerMinute, 60_000, { policy: "inbound" });
  if (!rate.ok) {
    throw new InboundRejected("rate_limited", "rate_limited", `This webhook accepts ${w.rateLimitPerMinute} requests per minute; retry after ${rate.resetSeconds} s.`, {
      headers: rateLimitHeaders(rate),
      tokenLast4: last4,
    });
  }
  // Ceilings per organization over all its webhooks, whatever each webhook's own limit: one org's
  // flood of large bodies must not slow every other org down. Requests refused above do not count.
  const { requests, bytes } = orgInboundLimits();
  // The body is not read yet: its declared length counts (a chunked one as the largest allowed).
  const declared = opts.headers.has("content-length") ? Number(opts.headers.get("content-length")) : NaN;
  const size = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, INBOUND_MAX_BODY_BYTES) : INBOUND_MAX_BODY_BYTES;
  const org = await rateLimits([
    { key: `inbound-org:${w.orgId}`, limit: requests, windowMs: 60_000 },
    { key: `inbound-org-bytes:${w.orgId}`, limit: bytes, windowMs: 60_000, cost: size },
  ]);
  for (const [r, what] of [
    [org[0]!, `${requests} requests`],
    [org[1]!, `${Math.round(bytes / 1048576)} MiB`],
  ] as const) {
    if (!r.ok) {
      throw new InboundRejected("rate_limited", "rate_limited", `This organization's incoming webhooks accept ${what} per minute in all; retry after ${r.resetSeconds} s.`, {
        headers: { "Retry-After": String(r.resetSeconds) },
        tokenLast4: last4,
      });
    }
  }
  return { ...w, rate, token: { last4: last4!, previous } };
}

/** Header pairs as stored: names lowercased, the token masked. */
export function storedHeaders(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => out.push([name, name === "authorization" ? value.replace(/^(\S+\s+).*/, "$1••••••") : value]));
  return out;
}

/** The query string without the token. */
export function storedQuery(query: URLSearchParams): string | null {
  const q = new URLSearchParams(query);
  q.delete("token");
  const s = q.toString();
  return s || null;
}

/** `duplicate`: a repeat of a verified message already received; the result is the first one's. */
export type AcceptResult = { id: string; outcome: InboundOutcome; eventId: string | null; error: string | null; duplicate?: true; challenge?: string };

/** GATEHOUSE_INBOUND_ORG_REQUESTS_PER_MINUTE (default 6,000) and GATEHOUSE_INBOUND_ORG_MIB_PER_MINUTE (default 64). */
function orgInboundLimits(): { requests: number; bytes: number } {
  const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return {
    requests: num(process.env.GATEHOUSE_INBOUND_ORG_REQUESTS_PER_MINUTE, 6_000),
    bytes: num(process.env.GATEHOUSE_INBOUND_ORG_MIB_PER_MINUTE, 64) * 1048576,
  };
}

/** The message that claimed this delivery id within the dedup window, as the receiving URL answered it. */
async function firstMessage(webhookId: string, key: string): Promise<AcceptResult | null> {
  const rows = await sql<{ id: string; outcome: InboundOutcome | null; eventId: string | null; error: string | null }>(
    `SELECT k."messageId" AS "id", m."outcome", m."eventId", m."error"
       FROM "InboundDedupKey" k LEFT JOIN "InboundMessage" m ON m."id" = k."messageId"
      WHERE k."webhookId" = $1 AND k."key" = $2 AND k."expiresAt" > (now() AT TIME ZONE 'UTC')`,
    [webhookId, key],
  );
  const r = rows[0];
  // A message pruned by retention while its key lives on still answers as the repeat it is.
  return r ? { id: r.id, outcome: r.outcome ?? "stored", eventId: r.eventId, error: r.error, duplicate: true } : null;
}

/** A delivery id already claimed inside the window: the request is a repeat. */
class Repeat extends Error {}

/**
 * Claims a delivery id for a message inside the caller's transaction: a new id, or one whose
 * window has ended, is taken (true); one claimed inside its window is not (false). Concurrent
 * claims of one id wait on the primary key, so exactly one of them wins.
 */
async function claimKey(tx: Tx, webhookId: string, key: string, messageId: string, windowSeconds: number): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `INSERT INTO "InboundDedupKey" AS k ("webhookId", "key", "messageId", "expiresAt")
     VALUES ($1, $2, $3, (now() AT TIME ZONE 'UTC') + make_interval(secs => $4::int))
     ON CONFLICT ("webhookId", "key") DO UPDATE SET "messageId" = EXCLUDED."messageId", "expiresAt" = EXCLUDED."expiresAt"
      WHERE k."expiresAt" <= (now() AT TIME ZONE 'UTC')
     RETURNING 1`,
    webhookId,
    key,
    messageId,
    windowSeconds,
  );
  return rows.length > 0;
}

export async function acceptInboundMessage(
  w: AuthorizedWebhook,
  req: { method: string; headers: Headers; query: URLSearchParams; ip: string | null; body: Buffer },
): Promise<AcceptResult> {
  const r = await acceptVerified(w, req);
  // Slack confirms a Request URL by sending a signed url_verification and expecting its challenge back.
  if (w.verification === "slack" && jsonField(req.body, "type") === "url_verification") {
    const challenge = jsonField(req.body, "challenge");
    if (challenge) return { ...r, challenge };
  }
  return r;
}

async function acceptVerified(
  w: AuthorizedWebhook,
  req: { method: string; headers: Headers; query: URLSearchParams; ip: string | null; body: Buffer },
): Promise<AcceptResult> {
  const senderMessageId = checkSignature(w, req.headers, req.body);
  const dedupKey = senderMessageId && w.dedupWindowSeconds > 0 ? senderMessageId : null;
  if (dedupKey) {
    // A replay, or the sender's own retry, within the window: answered with the first message,
    // stored once. This read is the fast path only; the claim below settles concurrent repeats.
    const first = await firstMessage(w.id, dedupKey);
    if (first) return first;
  }
  if (w.token.previous) await notePreviousTokenUse(w, req.ip);
  const query = storedQuery(req.query);
  const headers = storedHeaders(req.headers);
  const contentType = req.headers.get("content-type")?.slice(0, 255) ?? null;
  const dedup = dedupKey ? { key: dedupKey, windowSeconds: w.dedupWindowSeconds } : null;
  if (w.handler === "event" || w.handler === "forward") {
    const base: Base = {
      webhookId: w.id,
      orgId: w.orgId,
      environment: w.environment,
      method: req.method,
      query,
      headers,
      contentType,
      body: new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength) as Uint8Array<ArrayBuffer>,
      bodySize: req.body.byteLength,
      sourceIp: req.ip,
      senderMessageId,
      tokenLast4: w.token.last4,
    };
    try {
      return await (w.handler === "event" ? emit(w, base, req.body, dedup) : forward(w, base, dedup));
    } catch (err) {
      const first = dedupKey && err instanceof Repeat ? await firstMessage(w.id, dedupKey) : null;
      if (first) return first;
      throw err;
    }
  }
  const id = newInboundMessageId();
  const row: StoredRow = {
    id,
    webhookId: w.id,
    orgId: w.orgId,
    environment: w.environment,
    method: req.method,
    query,
    headers: JSON.stringify(headers),
    contentType,
    body: req.body,
    bodySize: req.body.byteLength,
    sourceIp: req.ip,
    receivedAt: new Date().toISOString(),
    senderMessageId,
    tokenLast4: w.token.last4,
    dedupKey,
    dedupWindowSeconds: dedup?.windowSeconds ?? 0,
  };
  await insertStored(row);
  if (row.failed) throw row.failed.error;
  if (row.repeat && dedupKey) {
    const first = await firstMessage(w.id, dedupKey);
    if (first) return first;
  }
  return { id, outcome: "stored", eventId: null, error: null };
}

/** The old token carried an accepted request: when and from where, for the grace-period panel. */
async function notePreviousTokenUse(w: AuthorizedWebhook, ip: string | null): Promise<void> {
  await sql(
    `UPDATE "InboundWebhook" SET "previousTokenLastUsedAt" = $2::timestamp, "previousTokenLastUsedIp" = $3
      WHERE "id" = $1 AND "previousTokenHash" = $4
        -- A busy sender on the old token updates the row every few seconds, not on every request.
        AND ("previousTokenLastUsedAt" IS NULL OR "previousTokenLastUsedAt" < $2::timestamp - interval '5 seconds'
             OR "previousTokenLastUsedIp" IS DISTINCT FROM $3)`,
    [w.id, new Date().toISOString(), ip, w.previousTokenHash],
  );
}

type StoredRow = {
  id: string;
  webhookId: string;
  orgId: string;
  environment: Environment;
  method: string;
  query: string | null;
  headers: string; // JSON text
  contentType: string | null;
  body: Buffer;
  bodySize: number;
  sourceIp: string | null;
  receivedAt: string; // ISO, UTC
  senderMessageId: string | null;
  tokenLast4: string | null;
  dedupKey: string | null;
  dedupWindowSeconds: number;
  failed?: { error: unknown };
  /** Not stored: its delivery id was claimed inside the window by another message. */
  repeat?: boolean;
};

const STORED_CASTS = ["", "", "", '::"Environment"', "", "", "::jsonb", "", "::bytea", "::int", "", "::timestamp", "", "", "", "::int"];

function storedValues(rows: StoredRow[]): unknown[] {
  return rows.flatMap((r) => [
    r.id, r.webhookId, r.orgId, r.environment, r.method, r.query, r.headers, r.contentType, r.body, r.bodySize, r.sourceIp, r.receivedAt,
    r.senderMessageId, r.tokenLast4, r.dedupKey, r.dedupWindowSeconds,
  ]);
}

// One statement: the delivery ids are claimed (InboundDedupKey) and only the rows that claimed
// theirs, or have none, are inserted. Two rows of one batch with the same id make the claim fail
// ("cannot affect row a second time"); the batcher then writes each row alone.
async function writeStored(rows: StoredRow[]): Promise<void> {
  const inserted = await sql<{ id: string }>(
    `WITH v ("id", "webhookId", "orgId", "environment", "method", "query", "headers", "contentType", "body", "bodySize", "sourceIp", "receivedAt",
             "senderMessageId", "tokenLast4", "dedupKey", "dedupWindow") AS (VALUES ${valuesList(rows.length, STORED_CASTS.length, STORED_CASTS)}),
     claimed AS (
       INSERT INTO "InboundDedupKey" AS k ("webhookId", "key", "messageId", "expiresAt")
       SELECT v."webhookId", v."dedupKey", v."id", (now() AT TIME ZONE 'UTC') + make_interval(secs => v."dedupWindow") FROM v WHERE v."dedupKey" IS NOT NULL
       ON CONFLICT ("webhookId", "key") DO UPDATE SET "messageId" = EXCLUDED."messageId", "expiresAt" = EXCLUDED."expiresAt"
        WHERE k."expiresAt" <= (now() AT TIME ZONE 'UTC')
       RETURNING "messageId")
     INSERT INTO "InboundMessage" ("id", "webhookId", "orgId", "environment", "method", "query", "headers", "contentType", "body", "bodySize", "sourceIp",
                                   "receivedAt", "senderMessageId", "tokenLast4", "outcome")
     SELECT v."id", v."webhookId", v."orgId", v."environment", v."method", v."query", v."headers", v."contentType", v."body", v."bodySize", v."sourceIp",
            v."receivedAt", v."senderMessageId", v."tokenLast4", 'stored'::"InboundOutcome"
       FROM v WHERE v."dedupKey" IS NULL OR v."id" IN (SELECT "messageId" FROM claimed)
     RETURNING "id"`,
    storedValues(rows),
  );
  const ids = new Set(inserted.map((r) => r.id));
  for (const r of rows) r.repeat = !ids.has(r.id);
}

// Group commit for the Store handler: concurrent requests share one INSERT and one commit, and
// each answers 202 only once its own row is committed. One statement is all or nothing, so when
// a shared batch fails (say a webhook deleted mid-flight) each row is retried alone and only the
// row that cannot be written fails its request. The cap bounds a statement at 64 bodies (64 MiB).
const insertStored = processBatcher<StoredRow>("receive-message.insertStored", async (rows) => {
  try {
    await writeStored(rows);
  } catch (err) {
    if (rows.length === 1) {
      rows[0]!.failed = { error: err };
      return;
    }
    // One at a time: two rows with one delivery id must not race each other for the claim.
    for (const r of rows) {
      await writeStored([r]).catch((e: unknown) => {
        r.failed = { error: e };
      });
    }
  }
}, 64);

/** Throws unless the sender's signature checks out; returns the sender's delivery id (the dedup key), else null. */
function checkSignature(w: AuthorizedWebhook, headers: Headers, body: Buffer): string | null {
  if (w.verification === "none") return null;
  const sender = INBOUND_SENDERS[w.verification];
  if (!w.verificationSecretEncrypted) {
    throw new InboundRejected(
      "unauthorized",
      "secret_not_configured",
      `This webhook checks ${sender.label} signatures but its ${sender.secretLabel ?? "verification secret"} has not been entered yet; an admin can paste it in the console.`,
      { tokenLast4: w.token.last4 },
    );
  }
  const r = verifySender(w.verification, decrypt(w.verificationSecretEncrypted), w.signatureHeader, headers, body);
  if (!r.ok) throw new InboundRejected("unauthorized", "signature_invalid", `Signature check failed: ${r.reason}.`, { tokenLast4: w.token.last4 });
  return senderDeliveryId(w.verification, headers, body);
}

type Base = Omit<Prisma.InboundMessageUncheckedCreateInput, "id" | "outcome">;

/** The body as a JSON object, or a refusal that says why (Emit event needs JSON). */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const needs = "This webhook turns each request into an event, so it needs a JSON object body";
  if (body.byteLength === 0) throw new AppError("bad_request", `${needs}; the body is empty.`, { errors: [{ field: "(body)", message: "empty" }] });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new AppError("bad_request", `${needs}; the body is not valid UTF-8.`, { errors: [{ field: "(body)", message: "not valid UTF-8" }] });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", `${needs}; the body is not valid JSON.`, { errors: [{ field: "(body)", message: "not valid JSON" }] });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("validation_failed", `${needs}; got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}.`, {
      errors: [{ field: "(body)", message: "must be a JSON object" }],
    });
  }
  return value as Record<string, unknown>;
}

type Dedup = { key: string; windowSeconds: number } | null;

async function emit(w: AuthorizedWebhook, base: Base, body: Buffer, dedup: Dedup): Promise<AcceptResult> {
  const data = parseJsonObject(body);
  // The sender's data must fit the event type's schema: a 422 the sender can act on, nothing
  // stored. A missing or archived type is the admin's to fix, so the request is kept (failed).
  const type = w.eventType ? await eventTypeOf(w.orgId, w.environment, w.eventType) : null;
  let configError: string | null = null;
  if (!type) configError = `the event type "${w.eventType}" does not exist`;
  else if (type.archivedAt) configError = `the event type "${w.eventType}" is archived`;
  else if (type.schema && typeof type.schema === "object" && !Array.isArray(type.schema)) {
    const errors = validatePayload(type.schema as Record<string, unknown>, data, "(body)");
    if (errors.length) throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
  }
  const id = newInboundMessageId();
  await db.$transaction(async (tx) => {
    if (dedup && !(await claimKey(tx, w.id, dedup.key, id, dedup.windowSeconds))) throw new Repeat();
    await tx.inboundMessage.create({ data: { id, ...base, outcome: configError ? "failed" : "emitted", error: configError }, select: { id: true } });
  });
  if (configError) return { id, outcome: "failed", eventId: null, error: configError };
  try {
    // The message id as the event's idempotency key: one message never makes two events.
    const r = await ingestEvent({ orgId: w.orgId, environment: w.environment, type: w.eventType!, data, externalId: id, cause: inboundCause(w, base, id) });
    await db.inboundMessage.update({ where: { id }, data: { eventId: r.event.id } });
    return { id, outcome: "emitted", eventId: r.event.id, error: null };
  } catch (err) {
    // A refusal the sender can wait out (the org's in-flight ceiling, the database briefly away):
    // nothing is kept, and the sender gets the 429/503 with its Retry-After, so its own retry
    // delivers the message instead of a 202 for an event that was never made.
    if (err instanceof AppError && (err.code === "rate_limited" || err.code === "unavailable")) {
      await db.$transaction([
        db.inboundDedupKey.deleteMany({ where: { webhookId: w.id, messageId: id } }),
        db.inboundMessage.delete({ where: { id } }),
      ]);
      throw err;
    }
    const message = err instanceof AppError ? err.message : "the event could not be created";
    if (!(err instanceof AppError)) log.error({ err, message_id: id }, "inbound webhook: emitting the event failed");
    await db.inboundMessage.update({ where: { id }, data: { outcome: "failed", error: message.slice(0, 2000) } });
    return { id, outcome: "failed", eventId: null, error: message };
  }
}

/** The provenance of an event made from message `messageId` (lib/events/provenance.ts). */
function inboundCause(w: AuthorizedWebhook, base: Base, messageId: string): EventCause {
  return { type: "inbound", id: w.id, label: w.name, ip: base.sourceIp ?? null, messageId };
}

async function eventTypeOf(orgId: string, environment: Environment, name: string) {
  const find = () =>
    db.eventType.findUnique({ where: { orgId_environment_name: { orgId, environment, name } }, select: { schema: true, archivedAt: true } });
  let t = await find();
  if (!t) {
    await ensureDefaultEventTypes(orgId, environment);
    t = await find();
  }
  return t;
}

async function forward(w: AuthorizedWebhook, base: Base, dedup: Dedup): Promise<AcceptResult> {
  const id = newInboundMessageId();
  const ep = w.forwardEndpoint;
  if (!ep) {
    const error = "the forward handler has no target URL";
    await db.$transaction(async (tx) => {
      if (dedup && !(await claimKey(tx, w.id, dedup.key, id, dedup.windowSeconds))) throw new Repeat();
      await tx.inboundMessage.create({ data: { id, ...base, outcome: "failed", error }, select: { id: true } });
    });
    return { id, outcome: "failed", eventId: null, error };
  }
  // Message, carrier event and delivery commit together; the delivery engine then relays the
  // stored bytes (lib/inbound/forward-request.ts) with its usual signing, retries and replay.
  const { eventId, deliveryId, pending } = await db.$transaction(async (tx) => {
    if (dedup && !(await claimKey(tx, w.id, dedup.key, id, dedup.windowSeconds))) throw new Repeat();
    const sealed = { id: newEventId(), orgId: w.orgId, environment: w.environment, type: FORWARD_EVENT_TYPE, createdAt: new Date() };
    const cause = inboundCause(w, base, id);
    const event = await tx.event.create({
      data: {
        ...sealed,
        payload: { inbound_webhook_id: w.id, message_id: id },
        causedByType: cause.type,
        causedById: cause.id,
        causedByLabel: cause.label,
        causedByIp: cause.ip,
        causedByMessageId: cause.messageId,
        provenanceMac: provenanceMac(sealed, cause),
      },
      select: { id: true, createdAt: true },
    });
    await tx.inboundMessage.create({ data: { id, ...base, outcome: "forwarded", eventId: event.id }, select: { id: true } });
    const status = ep.status === "paused" ? ("held" as const) : ("pending" as const);
    const d = await tx.delivery.create({
      data: { id: newDeliveryId(), orgId: w.orgId, environment: w.environment, eventId: event.id, endpointId: ep.id, status, createdAt: event.createdAt },
      select: { id: true },
    });
    return { eventId: event.id, deliveryId: d.id, pending: status === "pending" };
  });
  if (pending) await dispatchDeliveries([deliveryId]);
  return { id, outcome: "forwarded", eventId, error: null };
}
