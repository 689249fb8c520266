// Rejected requests of an incoming webhook: what the receiving URL refused, so that an admin can
// see why a sender fails (time, source IP, user agent, status, reason, size; never the body or
// the token). Written by the receiving URL for a refusal of a known webhook; bounded three ways:
// at most REJECTIONS_PER_MINUTE logged per webhook per minute (a flood of bad requests costs one
// cheap count each, not a row each), at most REJECTIONS_KEPT rows per webhook (trimmed on the
// fly), and GATEHOUSE_INBOUND_REJECTIONS_DAYS (default 7) by the retention job.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { processBatcher, sql, valuesList } from "@/lib/db/sql";
import type { Environment } from "@/lib/generated/prisma/client";
import { findInboundWebhook } from "@/lib/inbound/get-inbound-webhooks";
import { newInboundRejectionId } from "@/lib/inbound/ids";
import { log } from "@/lib/observability/log";
import type { InboundRejectionReason, InboundRejectionView } from "@/lib/validations/inbound";

export const REJECTIONS_PER_MINUTE = 100;
export const REJECTIONS_KEPT = 1000;
const TRIM_ONE_IN = 20;

export function rejectionRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.GATEHOUSE_INBOUND_REJECTIONS_DAYS || 7);
  return Number.isFinite(n) && n >= 1 ? n : 7;
}

/** A refusal of the receiving URL that names its reason (and the token's last four, if one was presented). */
export class InboundRejected extends AppError {
  readonly reason: InboundRejectionReason;
  readonly tokenLast4: string | null;
  constructor(
    code: ConstructorParameters<typeof AppError>[0],
    reason: InboundRejectionReason,
    message: string,
    opts: ConstructorParameters<typeof AppError>[2] & { tokenLast4?: string | null } = {},
  ) {
    super(code, message, opts);
    this.reason = reason;
    this.tokenLast4 = opts.tokenLast4 ?? null;
  }
}

/** The logged reason of any error the receiving URL answers. */
export function rejectionReason(err: unknown): InboundRejectionReason {
  if (err instanceof InboundRejected) return err.reason;
  if (err instanceof AppError) {
    if (err.code === "payload_too_large") return "too_large";
    if (err.code === "bad_request" || err.code === "validation_failed") return "body_invalid";
    if (err.code === "method_not_allowed") return "method_not_allowed";
    if (err.code === "rate_limited") return "rate_limited";
  }
  return "error";
}

export type Rejection = {
  webhookId: string;
  method: string;
  sourceIp: string | null;
  userAgent: string | null;
  status: number;
  reason: InboundRejectionReason;
  detail: string;
  bodySize: number | null;
  tokenLast4: string | null;
};

type Row = Rejection & { id: string; at: string };

const CASTS = ["", "", "::timestamp", "", "", "", "::int", "", "", "::int", ""];

// One INSERT … SELECT per batch: rows of unknown webhooks join nothing (so a random id costs no
// row), and a webhook already at its per-minute allowance gets no more.
const writeRejections = processBatcher<Row>("rejections.writeRejections", async (rows) => {
  await sql(
    `INSERT INTO "InboundRejection" ("id", "webhookId", "orgId", "environment", "receivedAt", "method", "sourceIp", "userAgent", "status", "reason", "detail", "bodySize", "tokenLast4")
     SELECT v.id, w."id", w."orgId", w."environment", v.at, v.method, v.ip, v.ua, v.status, v.reason, v.detail, v.size, v.last4
       FROM (VALUES ${valuesList(rows.length, CASTS.length, CASTS)}) AS v(id, wid, at, method, ip, ua, status, reason, detail, size, last4)
       JOIN "InboundWebhook" w ON w."id" = v.wid
      WHERE (SELECT count(*) FROM "InboundRejection" r WHERE r."webhookId" = w."id" AND r."receivedAt" > v.at - interval '1 minute') < ${REJECTIONS_PER_MINUTE}`,
    rows.flatMap((r) => [r.id, r.webhookId, r.at, r.method.slice(0, 16), r.sourceIp, r.userAgent?.slice(0, 200) ?? null, r.status, r.reason, r.detail.slice(0, 500), r.bodySize, r.tokenLast4]),
  );
  for (const webhookId of new Set(rows.map((r) => r.webhookId))) {
    if (Math.random() * TRIM_ONE_IN < 1) await trimRejections(webhookId);
  }
}, 50);

/** Keeps the newest REJECTIONS_KEPT rows of one webhook. */
export async function trimRejections(webhookId: string, keep = REJECTIONS_KEPT): Promise<void> {
  await sql(
    `DELETE FROM "InboundRejection" WHERE "webhookId" = $1 AND "id" NOT IN (
       SELECT "id" FROM "InboundRejection" WHERE "webhookId" = $1 ORDER BY "receivedAt" DESC, "id" DESC LIMIT $2)`,
    [webhookId, keep],
  );
}

/** Logs one refusal; never fails the response (an error is logged and dropped). */
export async function recordRejection(r: Rejection, at = new Date()): Promise<void> {
  try {
    await writeRejections({ ...r, id: newInboundRejectionId(), at: at.toISOString() });
  } catch (err) {
    log.warn({ err, webhook_id: r.webhookId }, "inbound webhook: logging a rejected request failed");
  }
}

type Scoped = { orgId: string; environment: Environment };

/** Newest first. */
export async function listRejections(s: Scoped & { webhookId: string; limit: number; reason?: InboundRejectionReason; cursor?: { at: string; id: string } }) {
  await findInboundWebhook(db, { ...s, id: s.webhookId });
  return db.inboundRejection.findMany({
    where: {
      webhookId: s.webhookId,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.cursor
        ? { OR: [{ receivedAt: { lt: new Date(s.cursor.at) } }, { receivedAt: new Date(s.cursor.at), id: { lt: s.cursor.id } }] }
        : {}),
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
  });
}

type RejectionRow = Awaited<ReturnType<typeof listRejections>>[number];

export function rejectionView(r: RejectionRow): InboundRejectionView {
  return {
    id: r.id,
    webhook_id: r.webhookId,
    received_at: r.receivedAt.toISOString(),
    method: r.method,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    status: r.status,
    reason: r.reason as InboundRejectionReason,
    detail: r.detail,
    body_size: r.bodySize,
    token_last4: r.tokenLast4,
  };
}
