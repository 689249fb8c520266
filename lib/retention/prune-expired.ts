// Retention: events (with their deliveries and every attempt's recorded request and response),
// received inbound messages and the notification centre's rows are kept the organization's own number of days (Settings >
// General, lib/orgs/retention-setting.ts) or else GATEHOUSE_RETENTION_DAYS (default 30), then deleted by
// a daily job (inngest/functions/prune-expired-data.ts). An event with a delivery still pending
// or held is never deleted, however old: nothing undelivered is dropped. A notification goes once
// it has not changed for that long, unless its operator event is still to be sent, or it is the
// expiry reminder of a credential that is still to expire (its key stops the reminder being raised
// again). The audit log is never pruned (it is append-only).
import { pruneRateLimits } from "@/lib/api/rate-limit";
import { sql } from "@/lib/db/sql";
import { rejectionRetentionDays } from "@/lib/inbound/rejections";
import { pruneAssertionJtis } from "@/lib/credentials/client-assertion";

export function retentionDays(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.GATEHOUSE_RETENTION_DAYS || 30);
  return Number.isFinite(n) && n >= 1 ? n : 30;
}

export type PruneResult = { events: number; notifications: number; inboundMessages: number; rateLimitCounters: number; inboundRejections: number; inboundDedupKeys: number };

/**
 * Deletes what is older than the retention period, in batches per organization and environment
 * (and per inbound webhook), so each statement uses an index and holds its locks briefly.
 * `maxBatches` bounds one run; the next run goes on where it stopped.
 */
export async function pruneExpired(opts: { now?: Date; days?: number; batch?: number; maxBatches?: number } = {}): Promise<PruneResult> {
  const now = (opts.now ?? new Date()).getTime();
  const fallbackDays = opts.days ?? retentionDays();
  const batch = opts.batch ?? 1000;
  let budget = opts.maxBatches ?? 500;
  const result: PruneResult = { events: 0, notifications: 0, inboundMessages: 0, rateLimitCounters: 0, inboundRejections: 0, inboundDedupKeys: 0 };
  /** Runs one batched DELETE (its last parameter is the batch size) until a batch is short or the budget ends. */
  const drain = async (statement: string, params: unknown[]): Promise<number> => {
    let n = 0;
    for (; budget > 0; budget--) {
      const deleted = (await sql<{ id: string }>(statement, [...params, batch])).length;
      n += deleted;
      if (deleted < batch) break;
    }
    return n;
  };

  // From the small tables, so that each DELETE below walks an index of the big ones. Each
  // organization's own retention wins over the server's default.
  const scopes = await sql<{ orgId: string; environment: string; days: number }>(
    `SELECT o."id" AS "orgId", e."environment", COALESCE(o."retentionDays", $1::int) AS days
       FROM "Organization" o CROSS JOIN (VALUES ('test'), ('live')) AS e("environment")`,
    [fallbackDays],
  );
  const cutoffOf = (days: number) => new Date(now - Number(days) * 86_400_000).toISOString();
  for (const s of scopes) {
    result.events += await drain(
      `DELETE FROM "Event" WHERE "id" IN (
         SELECT e."id" FROM "Event" e
          WHERE e."orgId" = $1 AND e."environment" = $2::"Environment" AND e."createdAt" < $3::timestamp
            AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."eventId" = e."id" AND d."status" IN ('pending', 'held'))
          LIMIT $4)
       RETURNING "id"`,
      [s.orgId, s.environment, cutoffOf(s.days)],
    );
  }

  // Notifications, per organization (their environment may be null: org-wide). Their read marks
  // go with them (ON DELETE CASCADE).
  for (const o of new Map(scopes.map((s) => [s.orgId, s.days]))) {
    result.notifications += await drain(
      `DELETE FROM "Notification" WHERE "id" IN (
         SELECT n."id" FROM "Notification" n
          WHERE n."orgId" = $1 AND n."createdAt" < $2::timestamp AND n."updatedAt" < $2::timestamp AND NOT n."eventPending"
            AND NOT (n."kind" = 'credential.expiring' AND EXISTS (
              SELECT 1 FROM "Credential" c WHERE c."id" = n."targetId" AND c."status" = 'active' AND c."expiresAt" > $3::timestamp))
          LIMIT $4)
       RETURNING "id"`,
      [o[0], cutoffOf(o[1]), new Date(now).toISOString()],
    );
  }

  const webhooks = await sql<{ webhookId: string; days: number }>(
    `SELECT w."id" AS "webhookId", COALESCE(o."retentionDays", $1::int) AS days
       FROM "InboundWebhook" w JOIN "Organization" o ON o."id" = w."orgId"`,
    [fallbackDays],
  );
  for (const w of webhooks) {
    result.inboundMessages += await drain(
      `DELETE FROM "InboundMessage" WHERE "id" IN (
         SELECT "id" FROM "InboundMessage" WHERE "webhookId" = $1 AND "receivedAt" < $2::timestamp LIMIT $3)
       RETURNING "id"`,
      [w.webhookId, cutoffOf(w.days)],
    );
  }
  // Rejected-request log lines past their (shorter) retention, and dedup windows that have ended.
  const rejectedBefore = new Date(now - rejectionRetentionDays() * 86_400_000).toISOString();
  result.inboundRejections += await drain(
    `DELETE FROM "InboundRejection" WHERE "id" IN (SELECT "id" FROM "InboundRejection" WHERE "receivedAt" < $1::timestamp LIMIT $2) RETURNING "id"`,
    [rejectedBefore],
  );
  result.inboundDedupKeys += await drain(
    `DELETE FROM "InboundDedupKey" WHERE ("webhookId", "key") IN (
       SELECT "webhookId", "key" FROM "InboundDedupKey" WHERE "expiresAt" < $1::timestamp LIMIT $2) RETURNING "key" AS "id"`,
    [new Date(now).toISOString()],
  );
  // Rate-limit windows that have ended (also pruned on the fly by the limiter itself).
  for (; budget > 0; budget--) {
    const n = await pruneRateLimits(opts.now ?? new Date(), batch);
    result.rateLimitCounters += n;
    if (n < batch) break;
  }
  // The jti records of expired client assertions (private_key_jwt): their replay window is over.
  await pruneAssertionJtis(opts.now ?? new Date());
  return result;
}
