// One endpoint's delivery outcomes over time, for the chart on its page and
// GET /api/v1/endpoints/{id}/stats: deliveries counted by their current status, in buckets by
// when they were created, every bucket of the window present (zeros included) so a chart has a
// continuous axis.
import { fieldError, AppError } from "@/lib/api/errors";
import { sql } from "@/lib/db/sql";
import type { DeliveryStatus, Environment } from "@/lib/generated/prisma/client";
import {
  DELIVERY_STATS_WINDOWS,
  type DeliveryStatsView,
  type DeliveryStatsWindow,
} from "@/lib/validations/deliveries";

type Counts = Record<DeliveryStatus, number>;

const zero = (): Counts => ({ succeeded: 0, failed: 0, pending: 0, held: 0 });

/**
 * The window's buckets, epoch-aligned: whole UTC hours or UTC days, the last one holding `now`
 * (so "24h" is the 23 hours before this one plus this one so far).
 */
export function statsRange(window: DeliveryStatsWindow, now: Date) {
  const { buckets, bucketSeconds } = DELIVERY_STATS_WINDOWS[window];
  const size = bucketSeconds * 1000;
  const end = Math.floor(now.getTime() / size) * size + size;
  return { buckets, bucketSeconds, start: end - buckets * size, end, size };
}

// One statement: the endpoint (no row: not in this org and environment, a 404) joined with its
// deliveries' counts per bucket and status. `createdAt` is a UTC `timestamp(3)`, so the bounds
// are passed as ISO strings cast to `timestamp` (lib/db/sql.ts); the bucket index is computed in
// SQL and the bucket starts in JS, which keeps time zones out of the database entirely.
const STATS = `
SELECT e.id AS "endpointId", d.bucket, d.status, d.n
FROM "Endpoint" e
LEFT JOIN LATERAL (
  SELECT floor(extract(epoch FROM (x."createdAt" - $4::timestamp)) / $5::int)::int AS bucket,
         x.status::text AS status,
         count(*)::int AS n
  FROM "Delivery" x
  WHERE x."endpointId" = e.id AND x."orgId" = e."orgId" AND x.environment = e.environment
    AND x."createdAt" >= $4::timestamp AND x."createdAt" < $6::timestamp
  GROUP BY 1, 2
) d ON true
WHERE e.id = $1 AND e."orgId" = $2 AND e.environment = $3::"Environment" AND e."inboundWebhookId" IS NULL`;

type Row = { endpointId: string; bucket: number | null; status: DeliveryStatus | null; n: number | null };

export async function getDeliveryStats(s: {
  orgId: string;
  environment: Environment;
  endpointId: string;
  /** Default "24h". */
  window?: DeliveryStatsWindow;
  /** Only tests pass this. */
  now?: Date;
}): Promise<DeliveryStatsView> {
  const window = s.window ?? "24h";
  // The route validates with zod first; this guards other callers (and plain JS ones).
  if (!Object.hasOwn(DELIVERY_STATS_WINDOWS, window)) {
    throw fieldError("window", `must be one of ${Object.keys(DELIVERY_STATS_WINDOWS).join(", ")}`);
  }
  const r = statsRange(window, s.now ?? new Date());
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = await sql<Row>(STATS, [
    s.endpointId,
    s.orgId,
    s.environment,
    iso(r.start),
    r.bucketSeconds,
    iso(r.end),
  ]);
  if (rows.length === 0) throw new AppError("not_found", "No such endpoint in this environment.");

  const buckets = Array.from({ length: r.buckets }, (_, i) => ({ start: iso(r.start + i * r.size), ...zero() }));
  const totals = zero();
  for (const row of rows) {
    if (row.bucket === null || row.status === null || row.n === null) continue; // no deliveries at all
    const b = buckets[row.bucket];
    if (!b) continue; // cannot happen with the bounds above; never index outside the window
    b[row.status] += row.n;
    totals[row.status] += row.n;
  }
  return {
    endpoint_id: s.endpointId,
    window,
    bucket_seconds: r.bucketSeconds,
    from: iso(r.start),
    to: iso(r.end),
    totals: { ...totals, total: totals.succeeded + totals.failed + totals.pending + totals.held },
    buckets,
  };
}
