// Endpoint health: success rate and latency (p50/p95) over 1 h / 24 h / 7 d, the failure streak,
// time since the last success, and a state (healthy → failing → disabled). Read from
// EndpointHealthBucket, which the delivery engine keeps up to date as it records attempts (one
// upsert per endpoint and batch, see healthBucketRows), so reading health costs the same at
// 10 or 100,000 attempts an hour: at most 1,008 ten-minute rows per endpoint, summed in SQL.
import { sql } from "@/lib/db/sql";
import { parseDuration } from "@/lib/deliveries/retry-schedule";
import type { Endpoint } from "@/lib/generated/prisma/client";
import { getReceiverPauses } from "@/lib/webhooks/receiver-pause";
import type { EndpointHealthView } from "@/lib/validations/webhooks";

/** Bucket width: windows are whole buckets, the last one holding now ("1 h" is 60–70 minutes). */
export const BUCKET_MS = 10 * 60_000;

/**
 * Latency bins' upper bounds in ms (the last bin is everything slower). Percentiles are
 * interpolated inside a bin, so p50/p95 are exact to within a bin's width.
 */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 75, 100, 150, 250, 400, 600, 1000, 1500, 2500, 4000, 6000, 10_000, 15_000, 30_000] as const;
const BINS = LATENCY_BOUNDS_MS.length + 1;

export const HEALTH_WINDOWS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type HealthWindow = keyof typeof HEALTH_WINDOWS;

const intEnv = (name: string, def: number, min: number, max: number) => {
  const n = Number(process.env[name] || def);
  return Number.isFinite(n) && n >= min && n <= max ? n : def;
};

/** Thresholds, from the environment (documented in .env.example). */
export function healthConfig() {
  return {
    /** Consecutive failed attempts (spread over more than one delivery) that open the circuit. */
    failures: intEnv("GATEHOUSE_CIRCUIT_FAILURES", 20, 1, 100_000),
    /** Success rate (%) over the last hour under which an endpoint shows as failing… */
    successRate: intEnv("GATEHOUSE_FAILING_SUCCESS_RATE", 50, 0, 100),
    /** …once it had at least this many attempts in that hour. */
    minAttempts: intEnv("GATEHOUSE_FAILING_MIN_ATTEMPTS", 20, 1, 1_000_000),
    /** Failing with no success for this long disables the endpoint. */
    disableAfterMs: durationEnv("GATEHOUSE_DISABLE_FAILING_AFTER", "5d"),
    /** First wait between probes of an open circuit; each failed probe doubles it, up to the max. */
    probeIntervalMs: durationEnv("GATEHOUSE_CIRCUIT_PROBE_INTERVAL", "1m"),
    probeMaxIntervalMs: durationEnv("GATEHOUSE_CIRCUIT_PROBE_MAX_INTERVAL", "1h"),
  };
}

function durationEnv(name: string, def: string): number {
  try {
    return parseDuration(process.env[name] || def);
  } catch {
    return parseDuration(def);
  }
}

export function latencyBin(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return i === -1 ? BINS - 1 : i;
}

/** One attempt as the recorder sees it. */
export type HealthSample = { endpointId: string; at: Date; ok: boolean; latencyMs: number | null; responded: boolean };

/**
 * The attempts of one recording batch summed per endpoint and bucket, as JSON rows for the
 * recording statement's upsert (attempt-delivery.ts recordAttempts).
 */
export function healthBucketRows(samples: HealthSample[]) {
  const rows = new Map<string, { endpointId: string; start: string; attempts: number; succeeded: number; hist: number[]; lastSuccessAt: string | null }>();
  for (const s of samples) {
    const start = new Date(Math.floor(s.at.getTime() / BUCKET_MS) * BUCKET_MS).toISOString();
    const key = `${s.endpointId} ${start}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { endpointId: s.endpointId, start, attempts: 0, succeeded: 0, hist: new Array<number>(BINS).fill(0), lastSuccessAt: null }));
    r.attempts++;
    if (s.ok) {
      r.succeeded++;
      const at = s.at.toISOString();
      if (!r.lastSuccessAt || at > r.lastSuccessAt) r.lastSuccessAt = at;
    }
    if (s.responded && s.latencyMs !== null) r.hist[latencyBin(s.latencyMs)]!++;
  }
  return [...rows.values()];
}

/**
 * The recording statement's CTE that adds a batch's buckets (param `$n`, from healthBucketRows);
 * histograms are added bin by bin.
 */
export function healthBucketsCte(param: string): string {
  return `hb AS (
       INSERT INTO "EndpointHealthBucket" AS b ("endpointId", "start", "attempts", "succeeded", "latencyHistogram", "lastSuccessAt")
       SELECT h."endpointId", h."start", h."attempts", h."succeeded", ARRAY(SELECT jsonb_array_elements_text(h."hist")::int), h."lastSuccessAt"
       FROM jsonb_to_recordset(${param}::jsonb) AS h("endpointId" text, "start" timestamp, "attempts" int, "succeeded" int, "hist" jsonb, "lastSuccessAt" timestamp)
       -- Not locked here: the same statement updates the endpoint row, and a lock would skip it.
       -- A delete racing this insert fails the statement (a foreign-key error), so the batch's run
       -- is retried and finds the deliveries gone with their endpoint.
       WHERE EXISTS (SELECT 1 FROM "Endpoint" ep WHERE ep."id" = h."endpointId")
       ON CONFLICT ("endpointId", "start") DO UPDATE SET "attempts" = b."attempts" + excluded."attempts",
         "succeeded" = b."succeeded" + excluded."succeeded",
         "latencyHistogram" = ARRAY(SELECT COALESCE(o, 0) + COALESCE(n, 0) FROM unnest(b."latencyHistogram", excluded."latencyHistogram") AS u(o, n)),
         "lastSuccessAt" = GREATEST(b."lastSuccessAt", excluded."lastSuccessAt"))`;
}

/** The p-th percentile (0–1) of a histogram, interpolated inside its bin; null when empty. */
export function percentileOf(hist: number[], p: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i]!;
    if (n > 0 && seen + n >= rank) {
      const lo = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const hi = LATENCY_BOUNDS_MS[i] ?? lo; // the open last bin answers its lower bound
      return Math.round(lo + (hi - lo) * Math.min(1, Math.max(0, (rank - seen) / n)));
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}

type Counts = { endpointId: string; win: HealthWindow; attempts: number; succeeded: number; lastSuccessAt: Date | null };
type Bin = { endpointId: string; win: HealthWindow; i: number; n: number };

type EndpointForHealth = Pick<
  Endpoint,
  "id" | "status" | "consecutiveFailures" | "failingSince" | "circuitOpenedAt" | "nextProbeAt" | "circuitProbes" | "disabledAt" | "disabledReason"
>;

/** Health of each endpoint (four statements for any number of them, a fifth when one is paused by its receiver). */
export async function getEndpointsHealth(endpoints: EndpointForHealth[], now = new Date()): Promise<Map<string, EndpointHealthView>> {
  const out = new Map<string, EndpointHealthView>();
  if (endpoints.length === 0) return out;
  const ids = endpoints.map((e) => e.id);
  const end = Math.floor(now.getTime() / BUCKET_MS) * BUCKET_MS + BUCKET_MS;
  const since = (w: HealthWindow) => new Date(end - Math.ceil(HEALTH_WINDOWS[w] / BUCKET_MS) * BUCKET_MS).toISOString();
  const params = [ids, since("1h"), since("24h"), since("7d")];
  const windows = `(VALUES ('1h', $2::timestamp), ('24h', $3::timestamp), ('7d', $4::timestamp)) AS w("win", "since")`;
  const [counts, bins, last, pauses] = await Promise.all([
    sql<Counts>(
      `SELECT b."endpointId", w."win", sum(b."attempts")::int AS "attempts", sum(b."succeeded")::int AS "succeeded", NULL AS "lastSuccessAt"
       FROM "EndpointHealthBucket" b JOIN ${windows} ON b."start" >= w."since"
       WHERE b."endpointId" = ANY($1::text[]) GROUP BY 1, 2`,
      params,
    ),
    sql<Bin>(
      `SELECT b."endpointId", w."win", u."i"::int AS "i", sum(u."n")::int AS "n"
       FROM "EndpointHealthBucket" b JOIN ${windows} ON b."start" >= w."since"
         CROSS JOIN LATERAL unnest(b."latencyHistogram") WITH ORDINALITY AS u("n", "i")
       WHERE b."endpointId" = ANY($1::text[]) AND u."n" > 0 GROUP BY 1, 2, 3`,
      params,
    ),
    sql<{ endpointId: string; lastSuccessAt: Date | null }>(
      `SELECT "endpointId", (max("lastSuccessAt") AT TIME ZONE 'UTC') AS "lastSuccessAt" FROM "EndpointHealthBucket"
       WHERE "endpointId" = ANY($1::text[]) GROUP BY 1`,
      [ids],
    ),
    getReceiverPauses(ids, now),
  ]);
  const cfg = healthConfig();
  for (const e of endpoints) {
    const windowsView = {} as EndpointHealthView["windows"];
    for (const w of Object.keys(HEALTH_WINDOWS) as HealthWindow[]) {
      const c = counts.find((r) => r.endpointId === e.id && r.win === w);
      const hist = new Array<number>(BINS).fill(0);
      for (const b of bins) if (b.endpointId === e.id && b.win === w) hist[b.i - 1] = b.n;
      const attempts = c?.attempts ?? 0;
      windowsView[w] = {
        attempts,
        succeeded: c?.succeeded ?? 0,
        success_rate: attempts ? Math.round(((c?.succeeded ?? 0) / attempts) * 1000) / 10 : null,
        latency_p50_ms: percentileOf(hist, 0.5),
        latency_p95_ms: percentileOf(hist, 0.95),
      };
    }
    const lastSuccess = last.find((r) => r.endpointId === e.id)?.lastSuccessAt ?? null;
    const hour = windowsView["1h"];
    const lowRate = hour.attempts >= cfg.minAttempts && hour.success_rate !== null && hour.success_rate < cfg.successRate;
    const state = e.status === "disabled" ? "disabled" : e.circuitOpenedAt || lowRate ? "failing" : "healthy";
    out.set(e.id, {
      state,
      failing_reason:
        state !== "failing" ? null : e.circuitOpenedAt ? "consecutive_failures" : "success_rate",
      consecutive_failures: e.consecutiveFailures,
      failing_since: e.failingSince?.toISOString() ?? null,
      last_success_at: lastSuccess?.toISOString() ?? null,
      seconds_since_last_success: lastSuccess ? Math.max(0, Math.floor((now.getTime() - lastSuccess.getTime()) / 1000)) : null,
      disables_at:
        e.status === "active" && e.circuitOpenedAt && e.failingSince ? new Date(e.failingSince.getTime() + cfg.disableAfterMs).toISOString() : null,
      circuit: {
        state: e.circuitOpenedAt ? "open" : "closed",
        opened_at: e.circuitOpenedAt?.toISOString() ?? null,
        next_probe_at: e.circuitOpenedAt ? (e.nextProbeAt?.toISOString() ?? null) : null,
        probes: e.circuitOpenedAt ? e.circuitProbes : 0,
      },
      windows: windowsView,
      receiver_pause: pauses.get(e.id) ?? null,
    });
  }
  return out;
}

/** Buckets older than the longest window plus a day are deleted (every minute, by probe-circuits). */
export async function pruneHealthBuckets(now = new Date(), limit = 5000): Promise<number> {
  const rows = await sql<{ n: number }>(
    `WITH gone AS (DELETE FROM "EndpointHealthBucket" WHERE ("endpointId", "start") IN (
       SELECT "endpointId", "start" FROM "EndpointHealthBucket" WHERE "start" < $1::timestamp LIMIT $2) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [new Date(now.getTime() - HEALTH_WINDOWS["7d"] - 86_400_000).toISOString(), limit],
  );
  return rows[0]?.n ?? 0;
}

export async function getEndpointHealth(e: EndpointForHealth, now = new Date()): Promise<EndpointHealthView> {
  return (await getEndpointsHealth([e], now)).get(e.id)!;
}
