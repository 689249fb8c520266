// Per-org ceiling on event bytes in flight (issue 18, finding 5): an org's bytes in flight are the
// payload sizes of its events that still have a delivery pending (stored and not yet delivered
// or given up; held ones wait for a resume and do not count). An event that would take the org
// past GATEHOUSE_ORG_IN_FLIGHT_MIB is refused with 429 and Retry-After before it is stored, so
// one tenant's backlog to slow or hanging receivers is bounded by configuration, not by how fast
// it can post, and other orgs never wait behind it.
//
// The figure is measured in PostgreSQL (so every process counts every process's events) from the
// org's own pending deliveries: the query costs in proportion to the backlog of the org that asks.
// A process re-measures an org at most every MEASURE_EVERY_MS (every LOW_MEASURE_EVERY_MS while the
// org holds under half its ceiling), adding the bytes it admitted that the measurement may not hold
// (so concurrent requests count each other, and an event being stored is never missed); a refusal
// rests on a measurement under MEASURE_EVERY_MS old. An org overshoots the ceiling by at most what
// other processes admit within that window (from under half the ceiling: more than half of it
// within LOW_MEASURE_EVERY_MS).
import { AppError } from "@/lib/api/errors";
import { processLoader, sql } from "@/lib/db/sql";
import { runtime } from "@/lib/runtime/runtime";

/** How long a measurement stands while the org stays below its ceiling. */
const MEASURE_EVERY_MS = 250;
/** How long it stands while the org holds under half its ceiling (a busy org's backlog is costly to sum). */
const LOW_MEASURE_EVERY_MS = 1_000;
/** What a refusal asks the client to wait: about the time a batch of deliveries takes to go. */
const RETRY_AFTER_SECONDS = 5;

/** Bytes of pending events one org may have (GATEHOUSE_ORG_IN_FLIGHT_MIB, default 64; 0 turns it off). */
export function orgInFlightCeiling(): number {
  const raw = process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB;
  const mib = raw === undefined || raw === "" ? 64 : Number(raw);
  return Number.isFinite(mib) && mib >= 0 ? Math.floor(mib * 1024 * 1024) : 64 * 1024 * 1024;
}

// Concurrent measurements (one per ingest near the ceiling) share one query.
const measure = processLoader<string, number>("in-flight-bytes.measure", async (orgIds) => {
  const rows = await sql<{ orgId: string; bytes: string | number }>(
    `SELECT p."orgId", COALESCE(sum(COALESCE(e."payloadBytes", pg_column_size(e."payload"))), 0)::bigint AS "bytes"
       FROM (SELECT DISTINCT d."orgId", d."eventId" FROM "Delivery" d
              WHERE d."orgId" = ANY($1::text[]) AND d."status" = 'pending') p
       JOIN "Event" e ON e."id" = p."eventId"
      GROUP BY p."orgId"`,
    [orgIds],
  );
  const found = new Map(rows.map((r) => [r.orgId, Number(r.bytes)]));
  return new Map(orgIds.map((id) => [id, found.get(id) ?? 0]));
});

/** An org's figure in this process: the last measurement, and what was admitted around it. */
export type OrgInFlight = {
  /** When the last measurement began. */
  at: number;
  measured: number;
  /** Admitted here: `done` when its store ended (null while it runs). */
  recent: { bytes: number; done: number | null }[];
};

/**
 * The measurement plus what this process admitted that it may not include: events still being
 * stored, and those stored after it began (an event counted twice errs on the safe side).
 */
function total(e: OrgInFlight): number {
  let n = e.measured;
  for (const r of e.recent) if (r.done === null || r.done >= e.at) n += r.bytes;
  return n;
}

/**
 * Counts `bytes` (an event's payload) against its org's ceiling, or throws 429 rate_limited with
 * Retry-After when the org's events pending delivery already hold so much that this one would go
 * past it. An event alone larger than the ceiling still goes when the org has nothing pending.
 * Call the returned function once the event's store has ended (stored or not).
 */
export async function admitEventBytes(orgId: string, bytes: number): Promise<() => void> {
  const ceiling = orgInFlightCeiling();
  if (ceiling === 0) return () => {};
  const seen = runtime().events.inFlight;
  let known = seen.get(orgId);
  if (!known || Date.now() - known.at >= (total(known) * 2 < ceiling ? LOW_MEASURE_EVERY_MS : MEASURE_EVERY_MS)) {
    const at = Date.now();
    const measured = (await measure(orgId)) ?? 0;
    known = seen.get(orgId);
    if (!known) {
      seen.set(orgId, (known = { at, measured, recent: [] }));
      if (seen.size > 10_000) seen.delete(seen.keys().next().value!); // bounded: the longest-known org goes
    } else if (known.at < at) {
      // The newest measurement stands (one begun meanwhile by a concurrent request may answer first).
      known.at = at;
      known.measured = measured;
      known.recent = known.recent.filter((r) => r.done === null || r.done >= at);
    }
  }
  const held = total(known);
  if (held > 0 && held + bytes > ceiling) {
    throw new AppError(
      "rate_limited",
      `This organization's events waiting for delivery hold ${mib(held)} MiB; this one (${bytes} bytes) would take them past the ${mib(ceiling)} MiB allowed (GATEHOUSE_ORG_IN_FLIGHT_MIB). Retry after ${RETRY_AFTER_SECONDS} seconds, once some have been delivered (an endpoint that does not answer holds its deliveries until they time out).`,
      { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
    );
  }
  const mine = { bytes, done: null as number | null };
  known.recent.push(mine);
  return () => {
    mine.done ??= Date.now();
  };
}

const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
