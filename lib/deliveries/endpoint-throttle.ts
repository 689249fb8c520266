// The throttle every process honours together: per endpoint at most `maxInFlight` requests in
// flight, at most `rateLimitPerSecond` started per second, nothing while a receiver's Retry-After
// (429/503) runs, and with `ordering = fifo` one message at a time in creation order. All of it is
// decided by the claim statement (claimSends) that each send already makes just before it goes, so
// the throttle costs no round trip of its own: the claims of every run in the process that start
// together share one statement, and the releases of finished sends ride along with the next one.
//
// State lives in EndpointThrottle, one row per endpoint, locked by the statement in endpoint order
// (two processes' statements never wait on each other in a cycle): the leases of the requests in
// flight, each with an end (its start + the endpoint's timeout + LEASE_MARGIN_MS), so the slots of a
// killed process come back on their own within seconds of its requests' timeouts; the start time
// the rate limit gives the next request (a send is granted a start up to RATE_HORIZON_MS ahead and
// waits for it; one whose start passed while its process stalled claims again for a fresh one,
// `reclaim`); and the pause a Retry-After asked for (at most MAX_PAUSE_MS).
import { randomUUID } from "node:crypto";
import { createLoader, sql } from "@/lib/db/sql";
import { runtime } from "@/lib/runtime/runtime";

/** A lease ends this long after its request's timeout (the socket's end and the release's trip). */
export const LEASE_MARGIN_MS = 2_000;
/** A send may be granted a start this far ahead under the rate limit, and waits for it. */
export const RATE_HORIZON_MS = 1_000;
/** A receiver's Retry-After pauses its endpoint for at most this long. */
export const MAX_PAUSE_MS = 3_600_000;
/** The default, and the range the API accepts, of requests in flight to one endpoint. */
export const DEFAULT_MAX_IN_FLIGHT = 10;
export const MAX_IN_FLIGHT_LIMIT = 100;

export const FIFO_HELD_REASON = "ordering is FIFO: waiting until the previous message succeeds or fails for good";
export const RETRY_AFTER_HELD_PREFIX = "the receiver asked to wait (Retry-After) until ";
export const retryAfterHeldReason = (until: Date) => `${RETRY_AFTER_HELD_PREFIX}${until.toISOString()}`;

export type ClaimRequest = {
  deliveryId: string;
  endpointId: string;
  /** The delivery's generation (releasedAt, ISO), as the run knows it. */
  gen: string | null;
  /** The URL the request was built for: the endpoint must still have it. */
  url: string;
  timeoutMs: number;
  /**
   * A claim again by the send that holds the delivery, for a fresh start: its granted one went
   * stale before it could go (see paceSend in attempt-delivery.ts). `claimedUntil` is the end of
   * its claim (the delivery's nextAttemptAt as its claim set it, ms): while that is in force no
   * other attempt can have claimed the delivery, so it is claimed again although not due; once it
   * has lapsed, it is claimed as any attempt would. Its `lease`, if any, is given back in the same
   * statement, before the claims are counted.
   */
  reclaim?: { claimedUntil: number; lease: Lease | null };
};

export type ClaimAnswer =
  /** Claimed: send at `startAt`, then releaseSend(lease). */
  | { kind: "claimed"; lease: Lease; startAt: number }
  /** Sendable, but the throttle says not now: try again at `retryAt` (null: when a slot frees, poll). */
  | { kind: "throttled"; retryAt: number | null; pausedUntil: number | null }
  /** Not claimable (finished, not due, its endpoint changed, FIFO): ask why (whyNotClaimed). */
  | { kind: "refused" };

export type Lease = { endpointId: string; token: string };

type Release = { lease: Lease; pauseUntil: number | null; done: () => void };
/** A claim, with the releases that waited for it (they go first in its statement). */
type ClaimOp = { kind: "claim"; req: ClaimRequest; token: string; early: number; margin: number; riders: Release[] };
/** Releases that go without a claim (a Retry-After pause, or no claim came within RELEASE_WAIT_MS). */
type ReleaseOp = { kind: "release"; releases: Release[] };
type Op = ClaimOp | ReleaseOp;

/**
 * A release (without a pause) waits at most this long for a claim to ride with; meanwhile its
 * slot still counts as taken, for other processes only (this process's claims carry it along).
 */
export const RELEASE_WAIT_MS = 20;

type Row = {
  i: number;
  hasRow: boolean;
  startAt: Date | null;
  claimed: boolean;
  pausedUntil: Date | null;
  nextStartAt: Date | null;
  rate: number | null;
};

/**
 * One statement for the claims and releases queued meanwhile, in queue order: releases free their
 * slots (and set a Retry-After pause) before the claims are counted.
 */
async function runOps(ops: Op[]): Promise<Map<Op, ClaimAnswer | null>> {
  const answers = new Map<Op, ClaimAnswer | null>();
  const releases = ops.flatMap((o) => (o.kind === "release" ? o.releases : o.riders));
  // Two claims of one delivery in one statement would both see it unclaimed: the first asks.
  const seen = new Set<string>();
  const claims: ClaimOp[] = [];
  for (const o of ops) {
    if (o.kind !== "claim") continue;
    if (seen.has(o.req.deliveryId)) answers.set(o, { kind: "refused" });
    else {
      seen.add(o.req.deliveryId);
      claims.push(o);
    }
  }
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const early = claims[0]?.early ?? 0;
  const margin = claims[0]?.margin ?? 0;
  // Not prepared: planned each time for the tables as they are now (see recordAttempts).
  const rows = await sql<Row>(
    `WITH
     x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("i" int, "id" text, "gen" timestamp, "url" text, "timeoutMs" int, "token" text, "held" timestamp)),
     r AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS r("endpointId" text, "token" text, "pauseUntil" timestamp)),
     -- Sendable in this statement's snapshot (checked again on the delivery row below). Each
     -- delivery is read by its key (OFFSET 0 keeps the lookup apart): a backlog that grew faster
     -- than the statistics must not be scanned by status for every group of sends.
     c AS MATERIALIZED (
       SELECT x.*, d."endpointId", e."maxInFlight", e."rateLimitPerSecond" AS "rate"
       FROM x CROSS JOIN LATERAL (SELECT * FROM "Delivery" d WHERE d."id" = x."id" OFFSET 0) d JOIN "Endpoint" e ON e."id" = d."endpointId"
       WHERE d."status" = 'pending' AND d."releasedAt" IS NOT DISTINCT FROM x."gen"
         -- Due, or (a re-claim: "held" is the end of its own claim, still in force) still claimed.
         AND CASE WHEN x."held" > $4::timestamp THEN d."nextAttemptAt" > $4::timestamp ELSE (d."nextAttemptAt" IS NULL OR d."nextAttemptAt" <= $4::timestamp) END
         AND e."status" = 'active' AND e."url" = x."url" AND (e."circuitOpenedAt" IS NULL OR e."probeDeliveryId" = d."id")
         AND (e."ordering" = 'none' OR NOT EXISTS (
           SELECT 1 FROM "Delivery" o WHERE o."endpointId" = d."endpointId" AND o."status" IN ('pending', 'held')
             AND (o."createdAt" < d."createdAt" OR (o."createdAt" = d."createdAt" AND o."id" < d."id"))))),
     -- The throttle rows as last committed, locked in endpoint order.
     t AS MATERIALIZED (
       SELECT t."endpointId", t."leases", t."nextStartAt", t."pausedUntil" FROM "EndpointThrottle" t
       WHERE t."endpointId" IN (SELECT "endpointId" FROM c UNION SELECT "endpointId" FROM r)
       ORDER BY t."endpointId" FOR UPDATE),
     -- After the releases: the leases still running, and the pause.
     s AS MATERIALIZED (
       SELECT t."endpointId", t."nextStartAt",
         (SELECT COALESCE(jsonb_object_agg(l.key, l.value), '{}'::jsonb) FROM jsonb_each(t."leases") l
           WHERE (l.value #>> '{}')::bigint > $5::bigint AND l.key NOT IN (SELECT r."token" FROM r WHERE r."endpointId" = t."endpointId")) AS "kept",
         GREATEST(t."pausedUntil", (SELECT max(r."pauseUntil") FROM r WHERE r."endpointId" = t."endpointId")) AS "pausedUntil"
       FROM t),
     -- The claims in queue order per endpoint, each with the start it would get.
     q AS (
       SELECT c.*, s."pausedUntil",
         row_number() OVER (PARTITION BY c."endpointId" ORDER BY c."i") AS "rn",
         c."maxInFlight" - (SELECT count(*) FROM jsonb_object_keys(s."kept")) AS "free",
         CASE WHEN c."rate" IS NULL THEN $3::timestamp ELSE GREATEST(s."nextStartAt", $3::timestamp) END AS "base",
         CASE WHEN c."rate" IS NULL THEN 0 ELSE 1000.0 / c."rate" END AS "intervalMs"
       FROM c JOIN s ON s."endpointId" = c."endpointId"),
     g AS MATERIALIZED (
       SELECT q.*, q."base" + make_interval(secs => (q."rn" - 1) * q."intervalMs" / 1000.0) AS "startAt" FROM q
       WHERE q."rn" <= q."free" AND (q."pausedUntil" IS NULL OR q."pausedUntil" <= $3::timestamp)
         AND q."base" + make_interval(secs => (q."rn" - 1) * q."intervalMs" / 1000.0) <= $3::timestamp + make_interval(secs => $6::int / 1000.0)),
     n AS MATERIALIZED (
       SELECT s."endpointId",
         s."kept" || COALESCE((SELECT jsonb_object_agg(g."token", (extract(epoch FROM g."startAt") * 1000)::bigint + g."timeoutMs" + $7::int)
           FROM g WHERE g."endpointId" = s."endpointId"), '{}'::jsonb) AS "leases",
         COALESCE((SELECT max(g."startAt" + make_interval(secs => g."intervalMs" / 1000.0)) FROM g
           WHERE g."endpointId" = s."endpointId" AND g."intervalMs" > 0), s."nextStartAt") AS "nextStartAt",
         CASE WHEN s."pausedUntil" > $3::timestamp THEN s."pausedUntil" END AS "pausedUntil"
       FROM s),
     w AS (
       UPDATE "EndpointThrottle" u SET "leases" = n."leases", "nextStartAt" = n."nextStartAt", "pausedUntil" = n."pausedUntil"
       FROM n WHERE u."endpointId" = n."endpointId" RETURNING u."endpointId"),
     -- The claim itself: still pending, of this generation, due, and its endpoint still active at
     -- this URL (share-locked: a delete, pause or URL change in progress is waited for and seen).
     -- (status as text: not an index condition, so each row is found by its key, as in c.)
     u AS (
       UPDATE "Delivery" d SET "nextAttemptAt" = g."startAt" + make_interval(secs => (g."timeoutMs" + $8::int) / 1000.0)
       FROM g WHERE d."id" = g."id" AND d."status"::text = 'pending' AND d."releasedAt" IS NOT DISTINCT FROM g."gen"
         AND CASE WHEN g."held" > $4::timestamp THEN d."nextAttemptAt" > $4::timestamp ELSE (d."nextAttemptAt" IS NULL OR d."nextAttemptAt" <= $4::timestamp) END
         AND EXISTS (SELECT 1 FROM "Endpoint" e WHERE e."id" = d."endpointId" AND e."status" = 'active' AND e."url" = g."url"
           AND (e."circuitOpenedAt" IS NULL OR e."probeDeliveryId" = d."id") FOR SHARE)
       RETURNING d."id")
     SELECT c."i", (s."endpointId" IS NOT NULL) AS "hasRow", (g."startAt" AT TIME ZONE 'UTC') AS "startAt", (u."id" IS NOT NULL) AS "claimed",
       (n."pausedUntil" AT TIME ZONE 'UTC') AS "pausedUntil", (n."nextStartAt" AT TIME ZONE 'UTC') AS "nextStartAt", c."rate"
     FROM c LEFT JOIN s ON s."endpointId" = c."endpointId" LEFT JOIN g ON g."i" = c."i" LEFT JOIN u ON u."id" = c."id"
       LEFT JOIN n ON n."endpointId" = c."endpointId"`,
    [
    JSON.stringify(claims.map((o, i) => ({ i, id: o.req.deliveryId, gen: o.req.gen, url: o.req.url, timeoutMs: o.req.timeoutMs, token: o.token, held: o.req.reclaim ? iso(o.req.reclaim.claimedUntil) : null }))),
    JSON.stringify(releases.map((o) => ({ endpointId: o.lease.endpointId, token: o.lease.token, pauseUntil: o.pauseUntil === null ? null : iso(o.pauseUntil) }))),
    iso(now),
    iso(now + early),
    now,
    RATE_HORIZON_MS,
    LEASE_MARGIN_MS,
    margin,
  ]).finally(() => {
    // Written or lost, the releases are done with (a lost one's lease ends on its own).
    for (const r of releases) r.done();
  });
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  const missing: string[] = [];
  claims.forEach((o, i) => {
    const r = byIndex.get(i);
    if (!r) return answers.set(o, { kind: "refused" });
    if (r.claimed && r.startAt) return answers.set(o, { kind: "claimed", lease: { endpointId: o.req.endpointId, token: o.token }, startAt: r.startAt.getTime() });
    // Granted a slot but the delivery was claimed by another attempt meanwhile: give it back.
    if (r.startAt) {
      void releaseSend({ endpointId: o.req.endpointId, token: o.token }, null);
      return answers.set(o, { kind: "refused" });
    }
    if (!r.hasRow) missing.push(o.req.endpointId);
    const pausedUntil = r.pausedUntil && r.pausedUntil.getTime() > now ? r.pausedUntil.getTime() : null;
    const rateAt = r.rate !== null && r.nextStartAt ? r.nextStartAt.getTime() - RATE_HORIZON_MS : null;
    answers.set(o, {
      kind: "throttled",
      retryAt: !r.hasRow ? now : (pausedUntil ?? (rateAt !== null && rateAt > now ? rateAt : null)),
      pausedUntil,
    });
  });
  // An endpoint's first send makes its row; its claim is tried again at once.
  if (missing.length) await ensureThrottleRows([...new Set(missing)]);
  for (const o of ops) if (o.kind === "release") answers.set(o, null);
  return answers;
}

async function ensureThrottleRows(endpointIds: string[]): Promise<void> {
  await sql(
    `INSERT INTO "EndpointThrottle" ("endpointId") SELECT e."id" FROM "Endpoint" e WHERE e."id" = ANY($1::text[]) ON CONFLICT DO NOTHING`,
    [endpointIds],
  ).catch(() => {}); // an endpoint deleted meanwhile: its claims find it gone
}

/**
 * One statement in flight in the process (the queue is the runtime's); whatever is queued
 * meanwhile (claims and releases) joins the next.
 */
function runOp(op: Op): Promise<ClaimAnswer | null | undefined> {
  const batchers = runtime().deliveries.batchers;
  const run = (batchers.claims ??= createLoader<Op, ClaimAnswer | null>(runOps, 500, 1)) as (op: Op) => Promise<ClaimAnswer | null | undefined>;
  return run(op);
}

/**
 * Claims a delivery for one send: the delivery (as the claim has always done: still pending, of
 * its generation, due, its endpoint active at this URL, FIFO's predecessor finished) and a slot
 * and start under its endpoint's throttle. The claim lasts until the send's start + timeout +
 * `claimMarginMs`; a send may be claimed `claimEarlyMs` before its retry time.
 */
export async function claimSend(req: ClaimRequest, opts: { claimEarlyMs: number; claimMarginMs: number }): Promise<ClaimAnswer> {
  // A re-claim's old lease rides first, so its slot counts as free for the claim.
  const own: Release[] = req.reclaim?.lease ? [{ lease: req.reclaim.lease, pauseUntil: null, done: () => {} }] : [];
  const answer = await runOp({ kind: "claim", req, token: randomUUID(), early: opts.claimEarlyMs, margin: opts.claimMarginMs, riders: [...own, ...takeWaitingReleases()] });
  return answer ?? { kind: "refused" };
}

/** The releases waiting for a claim statement, taken (the caller's op carries them). */
function takeWaitingReleases(): Release[] {
  const state = runtime().deliveries.releases;
  if (state.waiting.length === 0) return [];
  const taken = state.waiting as Release[];
  state.waiting = [];
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  return taken;
}

/**
 * Gives back a send's slot (it ended); with `pauseUntil` (a receiver's Retry-After, capped), no
 * send to the endpoint starts before then. Not awaited by senders. A plain release waits (at most
 * RELEASE_WAIT_MS) for the process's next claim statement and goes in it, before its claims are
 * counted: under load the send that takes the slot next carries it, and releases cost no
 * statement of their own. A pause goes at once, with whatever releases are waiting. Resolves once
 * written, or lost: a lost release's lease ends on its own; a lost pause only means the receiver
 * sees the next retry sooner.
 */
export function releaseSend(lease: Lease, pauseUntil: number | null): Promise<void> {
  const capped = pauseUntil === null ? null : Math.min(pauseUntil, Date.now() + MAX_PAUSE_MS);
  return new Promise<void>((resolve) => {
    const release: Release = { lease, pauseUntil: capped, done: resolve };
    if (capped !== null) return void runOp({ kind: "release", releases: [...takeWaitingReleases(), release] }).catch(() => {});
    const state = runtime().deliveries.releases;
    (state.waiting as Release[]).push(release);
    if (state.timer) return;
    state.timer = setTimeout(() => {
      state.timer = null;
      const releases = takeWaitingReleases();
      if (releases.length) void runOp({ kind: "release", releases }).catch(() => {});
    }, RELEASE_WAIT_MS);
    // A process that exits meanwhile loses nothing: its leases end on their own.
    state.timer.unref?.();
  });
}

/**
 * A send that must wait for a Retry-After longer than its run may: its delivery is held until then
 * (the sweeper releases held deliveries whose time has come). Returns whether it was held.
 */
export async function holdDeliveryUntil(deliveryId: string, until: Date): Promise<boolean> {
  const rows = await sql<{ id: string }>(
    `UPDATE "Delivery" SET "status" = 'held', "heldReason" = $2, "nextAttemptAt" = $3::timestamp, "updatedAt" = $4::timestamp
     WHERE "id" = $1 AND "status" = 'pending' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= $5::timestamp) RETURNING "id"`,
    // Not one another attempt has claimed meanwhile (its claim moved nextAttemptAt past its send).
    [deliveryId, retryAfterHeldReason(until), until.toISOString(), new Date().toISOString(), new Date(Date.now() + 2_000).toISOString()],
  );
  return rows.length > 0;
}
