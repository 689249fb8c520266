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

  // From the small tables, so that each DELETE below walks an index of the big ones. Each
  // organization's own retention wins over the server's default.
  const scopes = await sql<{ orgId: string; environment: string; days: number }>(
    `SELECT o."id" AS "orgId", e."environment", COALESCE(o."retentionDays", $1::int) AS days
       FROM "Organization" o CROSS JOIN (VALUES ('test'), ('live')) AS e("environment")`,
    [fallbackDays],
  );
  const cutoffOf = (days: number) => new Date(now - Number(days) * 86_400_000).toISOString();
  for (const s of scopes) {
    const cutoff = cutoffOf(s.days);
    for (; budget > 0; budget--) {
      const deleted = await sql<{ id: string }>(
        `DELETE FROM "Event" WHERE "id" IN (
           SELECT e."id" FROM "Event" e
            WHERE e."orgId" = $1 AND e."environment" = $2::"Environment" AND e."createdAt" < $3::timestamp
              AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."eventId" = e."id" AND d."status" IN ('pending', 'held'))
            LIMIT $4)
         RETURNING "id"`,
        [s.orgId, s.environment, cutoff, batch],
      );
      result.events += deleted.length;
      if (deleted.length < batch) break;
    }
  }

  // Notifications, per organization (their environment may be null: org-wide). Their read marks
  // go with them (ON DELETE CASCADE).
  const orgs = await sql<{ orgId: string; days: number }>(
    `SELECT "id" AS "orgId", COALESCE("retentionDays", $1::int) AS days FROM "Organization"`,
    [fallbackDays],
  );
  for (const o of orgs) {
    const cutoff = cutoffOf(o.days);
    for (; budget > 0; budget--) {
      const deleted = await sql<{ id: string }>(
        `DELETE FROM "Notification" WHERE "id" IN (
           SELECT n."id" FROM "Notification" n
            WHERE n."orgId" = $1 AND n."createdAt" < $2::timestamp AND n."updatedAt" < $2::timestamp AND NOT n."eventPending"
              AND NOT (n."kind" = 'credential.expiring' AND EXISTS (
                SELECT 1 FROM "Credential" c WHERE c."id" = n."targetId" AND c."status" = 'active' AND c."expiresAt" > $3::timestamp))
            LIMIT $4)
         RETURNING "id"`,
        [o.orgId, cutoff, new Date(now).toISOString(), batch],
      );
      result.notifications += deleted.length;
      if (deleted.length < batch) break;
    }
  }

  const webhooks = await sql<{ webhookId: string; days: number }>(
    `SELECT w."id" AS "webhookId", COALESCE(o."retentionDays", $1::int) AS days
       FROM "InboundWebhook" w JOIN "Organization" o ON o."id" = w."orgId"`,
    [fallbackDays],
  );
  for (const w of webhooks) {
    const cutoff = cutoffOf(w.days);
    for (; budget > 0; budget--) {
      const deleted = await sql<{ id: string }>(
        `DELETE FROM "InboundMessage" WHERE "id" IN (
           SELECT "id" FROM "InboundMessage" WHERE "webhookId" = $1 AND "receivedAt" < $2::timestamp LIMIT $3)
         RETURNING "id"`,
        [w.webhookId, cutoff, batch],
      );
      result.inboundMessages += deleted.length;
      if (deleted.length < batch) break;
    }
  }
  // Rejected-request log lines past their (shorter) retention, and dedup windows that have ended.
  const rejectedBefore = new Date(now - rejectionRetentionDays() * 86_400_000).toISOString();
  for (; budget > 0; budget--) {
    const deleted = await sql<{ id: string }>(
      `DELETE FROM "InboundRejection" WHERE "id" IN (SELECT "id" FROM "InboundRejection" WHERE "receivedAt" < $1::timestamp LIMIT $2) RETURNING "id"`,
      [rejectedBefore, batch],
    );
    result.inboundRejections += deleted.length;
    if (deleted.length < batch) break;
  }
  for (; budget > 0; budget--) {
    const deleted = await sql<{ key: string }>(
      `DELETE FROM "InboundDedupKey" WHERE ("webhookId", "key") IN (
         SELECT "webhookId", "key" FROM "InboundDedupKey" WHERE "expiresAt" < $1::timestamp LIMIT $2) RETURNING "key"`,
      [new Date(now).toISOString(), batch],
    );
    result.inboundDedupKeys += deleted.length;
    if (deleted.length < batch) break;
  }
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
