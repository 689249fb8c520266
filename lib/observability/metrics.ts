// Prometheus metrics (prom-client), served at /metrics (app/metrics/route.ts).
//
// Where the state lives: prom-client's default registry, the one registry of the process.
// prom-client is a server-external package (next.config.ts), so the lean layer's module graph
// and Next.js's load one copy of it; each metric is looked up there by name before it is made,
// so both copies of this module count into the same series. Nothing else here holds state but
// the queue gauges' few-second cache, which lives inside those gauges.
//
// Labels are bounded: route templates (lib/http/route-templates.ts), never raw paths; statuses;
// fixed outcome names.
import client from "prom-client";
import { sql } from "@/lib/db/sql";

const registry = client.register;

function once<T extends client.Metric>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

if (!registry.getSingleMetric("process_cpu_user_seconds_total")) {
  client.collectDefaultMetrics({ register: registry });
}

/** Requests answered, by method, route template and status. */
export const httpRequests = once(
  "gatehouse_http_requests_total",
  () => new client.Counter({ name: "gatehouse_http_requests_total", help: "HTTP requests answered, by method, route template and status", labelNames: ["method", "route", "status"] as const }),
);

/** Time to answer, by method and route template. */
export const httpDuration = once(
  "gatehouse_http_request_duration_seconds",
  () =>
    new client.Histogram({
      name: "gatehouse_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by method and route template",
      labelNames: ["method", "route"] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

/** POST /oauth/token by outcome: `issued`, `rate_limited`, or the RFC 6749 error code. */
export const tokenExchanges = once(
  "gatehouse_token_exchanges_total",
  () => new client.Counter({ name: "gatehouse_token_exchanges_total", help: "Token exchanges (POST /oauth/token) by outcome: issued, rate_limited or the OAuth error code", labelNames: ["outcome"] as const }),
);

export function countTokenExchange(outcome: string): void {
  tokenExchanges.inc({ outcome });
}

/** Events stored by POST /api/v1/events and incoming webhooks (a replayed idempotent request is not counted again). */
export const eventsAccepted = once(
  "gatehouse_events_accepted_total",
  () => new client.Counter({ name: "gatehouse_events_accepted_total", help: "Events accepted (stored, with their deliveries)" }),
);

/** Delivery attempts by outcome: succeeded (2xx), retry (another attempt is scheduled), failed (the last one, or 410). */
export const deliveryAttempts = once(
  "gatehouse_delivery_attempts_total",
  () => new client.Counter({ name: "gatehouse_delivery_attempts_total", help: "Delivery attempts by outcome: succeeded, retry (another attempt scheduled) or failed (no more attempts)", labelNames: ["outcome"] as const }),
);

/** How long a receiver took to answer an attempt (or to fail: refused, timed out). */
export const attemptDuration = once(
  "gatehouse_delivery_attempt_duration_seconds",
  () =>
    new client.Histogram({
      name: "gatehouse_delivery_attempt_duration_seconds",
      help: "Time a delivery attempt's request took, until the receiver's answer or the failure",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);

/** The queue gauges are read from the database at most this often (a scrape in between reuses them). */
export const QUEUE_CACHE_MS = 5_000;

type Queue = { pending: number; oldestAgeSeconds: number };

/** Pending deliveries and the age of the oldest: one indexed query (Delivery(status, createdAt)). */
async function readQueue(): Promise<Queue> {
  const [row] = await sql<{ pending: number; oldest: Date | string | null }>(
    `SELECT count(*)::int AS "pending", min("createdAt") AT TIME ZONE 'UTC' AS "oldest" FROM "Delivery" WHERE "status" = 'pending'`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { pending: row?.pending ?? 0, oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000) };
}

function queueGauges(): void {
  let cached: { at: number; queue: Promise<Queue> } | undefined;
  const current = (): Promise<Queue> => {
    if (!cached || Date.now() - cached.at > QUEUE_CACHE_MS) {
      const queue = readQueue();
      cached = { at: Date.now(), queue };
      queue.catch(() => (cached = undefined)); // a failed read is retried on the next scrape
    }
    return cached.queue;
  };
  new client.Gauge({
    name: "gatehouse_delivery_queue_depth",
    help: `Deliveries pending (waiting for an attempt or a retry); read at most every ${QUEUE_CACHE_MS / 1000} s`,
    async collect() {
      // The database down: the last value stays (and /readyz says why); the scrape still answers.
      const q = await current().catch(() => null);
      if (q) this.set(q.pending);
    },
  });
  new client.Gauge({
    name: "gatehouse_delivery_oldest_pending_age_seconds",
    help: `Age of the oldest pending delivery (0 when none); read at most every ${QUEUE_CACHE_MS / 1000} s`,
    async collect() {
      const q = await current().catch(() => null);
      if (q) this.set(q.oldestAgeSeconds);
    },
  });
}

if (!registry.getSingleMetric("gatehouse_delivery_queue_depth")) queueGauges();

/** The exposition text of every metric, and its content type. */
export async function exposition(): Promise<{ text: string; contentType: string }> {
  return { text: await registry.metrics(), contentType: registry.contentType };
}
