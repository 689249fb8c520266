// Accepts an event: checks its type (known, not archived) and its data (against the type's JSON
// Schema), then stores the event and one Delivery per subscribed endpoint in one transaction:
// `pending` for active endpoints, `held` for paused ones, none for disabled or unsubscribed
// ones. After commit the pending ids go to the delivery dispatcher (lib/events/dispatch.ts).
//
// Payload filters and channels (lib/webhooks/payload-filter.ts) are applied here, so a filtered-out
// event creates no delivery: channels in SQL; filters in JS, on the filters this process last saw
// for the org (kept by source text), with the statement refusing to write when an endpoint's
// filter is not the one evaluated (it then answers the current ones, and the batch runs again).
//
// Group commit: events that arrive while a write is in flight are stored together by the next
// one, a single plain-SQL statement (endpoints read FOR SHARE, events and deliveries inserted,
// one commit). Each caller still learns about its own event only; if a batch fails, it is split and
// retried (see store), so one bad event never fails the others.
import { AppError, describeFieldErrors, fieldError } from "@/lib/api/errors";
import { processBatcher, sql } from "@/lib/db/sql";
import type { Environment, Event } from "@/lib/generated/prisma/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { admitEventBytes } from "@/lib/events/in-flight-bytes";
import { sameJson, unrepresentableNumbers } from "@/lib/events/json-values";
import { validatePayload } from "@/lib/events/payload-schema";
import { ensureDefaultEventTypes } from "@/lib/webhooks/event-types";
import { newDeliveryId, newEventId } from "@/lib/webhooks/ids";
import { evaluateFilter, FilterCache } from "@/lib/webhooks/payload-filter";
import { eventsAccepted } from "@/lib/observability/metrics";
import { provenanceMac, SYSTEM_CAUSE, type EventCause } from "@/lib/events/provenance";
import { provenanceKey } from "@/lib/audit/audit-keys";
import { traceAcceptedEvent } from "@/lib/observability/tracing";
import { runtime } from "@/lib/runtime/runtime";

export type IngestEventOptions = {
  orgId: string;
  environment: Environment;
  type: string;
  data: Record<string, unknown>;
  /** Channels the event is sent on: endpoints with channels get it only when it carries one of theirs. */
  channels?: string[];
  /** The client's own id: the same id again returns the stored event and creates nothing. */
  externalId?: string | null;
  /** Hand pending deliveries to the dispatcher after commit (default true). */
  dispatch?: boolean;
  /** Deliver to this endpoint only, whatever event types it subscribes to (a test event sent from its page). */
  onlyEndpointId?: string;
  /**
   * The request's Idempotency-Key claim: marked with the event's id in the statement that stores
   * it, so a retry after a crash answers with this event (lib/api/idempotency.ts).
   */
  idempotencyClaimId?: string | null;
  /** What caused the event (provenance.ts); Gatehouse itself when not given. */
  cause?: EventCause;
};

export type IngestEventResult = {
  event: Event;
  /** false when `externalId` matched an event stored earlier. */
  created: boolean;
  /** All deliveries of the event (pending + held when just created). */
  deliveryCount: number;
  /** Deliveries created `pending`, in endpoint order; empty when not created. */
  pendingDeliveryIds: string[];
  /** The endpoint of each of pendingDeliveryIds, in the same order. */
  pendingEndpointIds: string[];
  heldDeliveryIds: string[];
};

type TypeRow = { orgId: string; environment: string; name: string; schema: unknown; archived: boolean };
type TypeLookup = { orgId: string; environment: Environment; name: string; found?: TypeRow };

// Event types are read on every request, never cached (archiving a type takes effect at once);
// concurrent requests share one query.
const lookUpType = processBatcher<TypeLookup>("ingest-event.lookUpType", async (lookups) => {
  const key = (l: { orgId: string; environment: string; name: string }) => `${l.orgId}\0${l.environment}\0${l.name}`;
  const keys = [...new Map(lookups.map((l) => [key(l), l])).values()];
  const rows = await sql<TypeRow>(
    `SELECT t."orgId", t."environment"::text AS "environment", t."name", t."schema", t."archivedAt" IS NOT NULL AS "archived"
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k("orgId", "environment", "name")
       JOIN "EventType" t ON t."orgId" = k."orgId" AND t."environment" = k."environment"::"Environment" AND t."name" = k."name"`,
    [keys.map((k) => k.orgId), keys.map((k) => k.environment), keys.map((k) => k.name)],
  );
  const byKey = new Map(rows.map((r) => [key(r), r]));
  for (const l of lookups) l.found = byKey.get(key(l));
});

async function findEventType(orgId: string, environment: Environment, name: string): Promise<TypeRow | undefined> {
  const lookup: TypeLookup = { orgId, environment, name };
  await lookUpType(lookup);
  return lookup.found;
}

async function loadEventType(orgId: string, environment: Environment, name: string) {
  let t = await findEventType(orgId, environment, name);
  if (!t) {
    await ensureDefaultEventTypes(orgId, environment);
    t = await findEventType(orgId, environment, name);
  }
  if (!t) throw fieldError("type", `unknown event type "${name}"; create it under Event types first`);
  if (t.archived) throw fieldError("type", `the event type "${name}" is archived`);
  return t;
}

async function existingEvent(opts: IngestEventOptions): Promise<IngestEventResult | null> {
  if (!opts.externalId) return null;
  const [row] = await sql<Event & { deliveryCount: number }>(
    `SELECT e."id", e."orgId", e."environment"::text AS "environment", e."type", e."payload", e."idempotencyKey", COALESCE(e."channels", '{}') AS "channels",
            e."createdAt" AT TIME ZONE 'UTC' AS "createdAt", e."causedByType"::text AS "causedByType", e."causedById",
            e."causedByLabel", e."causedByIp", e."causedByMessageId", e."provenanceMac",
            (SELECT count(*)::int FROM "Delivery" d WHERE d."eventId" = e."id" AND d."replayOfId" IS NULL) AS "deliveryCount"
       FROM "Event" e
      WHERE e."orgId" = $1 AND e."environment" = $2::"Environment" AND e."idempotencyKey" = $3`,
    [opts.orgId, opts.environment, opts.externalId],
  );
  if (!row) return null;
  const { deliveryCount, ...event } = row;
  if (event.type !== opts.type || !sameJson(event.payload, opts.data) || !sameJson([...event.channels].sort(), [...(opts.channels ?? [])].sort())) {
    throw new AppError("conflict", `An event with id "${opts.externalId}" was already sent with a different type or data.`, {
      errors: [{ field: "id", message: "already used for a different event" }],
    });
  }
  return { event, created: false, deliveryCount, pendingDeliveryIds: [], pendingEndpointIds: [], heldDeliveryIds: [] };
}

/** One event waiting for the next group commit; the write fills in `outcome`. */
type Item = {
  opts: IngestEventOptions;
  payload: string;
  outcome?: { ok: IngestEventResult } | { duplicate: true } | { error: unknown };
};

type Outcome = NonNullable<Item["outcome"]>;

// Delivery ids are made here (time-ordered, lib/webhooks/ids.ts) before the statement learns how
// many it needs, so each batch brings as many as the same kind of event needed last time; when
// that is too few the statement stores nothing and says how many, and runs again with that many.
// These guesses and the filters below are the process's (lib/runtime/runtime.ts): one set for
// every module graph, so what one layer learned the other need not learn again.
const cached = runtime().events;
const deliveriesLastTime = cached.deliveriesLastTime;
const kindOf = (o: IngestEventOptions) => `${o.orgId}\0${o.environment}\0${o.type}\0${o.onlyEndpointId ?? ""}`;

// The payload filters of each (org, environment)'s endpoints as this process last saw them
// (endpoint id → filter text), and the compiled filters by text. Only a speed-up: the statement
// checks every filter it applies against the rows it locks, and answers the current ones when they
// differ (an endpoint created or edited meanwhile, here or in another process).
const knownFilters = cached.knownFilters;
const compiledFilters = (cached.compiledFilters ??= new FilterCache());
const scopeOf = (o: { orgId: string; environment: string }) => `${o.orgId}\0${o.environment}`;

/**
 * The (item position, endpoint id) pairs whose endpoint filter the item passes (`listed: true`),
 * or those it fails (`listed: false`), whichever are fewer: when most events pass, the statement
 * gets the few exclusions rather than every pair. Positions count from 1.
 */
function filterMatches(items: Item[]): { listed: boolean; ords: number[]; endpointIds: string[] } {
  const pass = { ords: [] as number[], endpointIds: [] as string[] };
  const fail = { ords: [] as number[], endpointIds: [] as string[] };
  items.forEach((item, n) => {
    const filters = knownFilters.get(scopeOf(item.opts));
    if (!filters?.size) return;
    const doc = { type: item.opts.type, data: item.opts.data, channels: item.opts.channels ?? [] };
    for (const [endpointId, src] of filters) {
      const node = compiledFilters.get(src);
      // A stored filter that no longer parses matches nothing (it was checked when saved).
      const to = node && evaluateFilter(node, doc) ? pass : fail;
      to.ords.push(n + 1);
      to.endpointIds.push(endpointId);
    }
  });
  return pass.ords.length <= fail.ords.length ? { listed: true, ...pass } : { listed: false, ...fail };
}

// One statement, so one atomic write and one round trip per batch:
// - ep: the candidate endpoints of every (org, environment) in the batch, FOR SHARE: a
//   concurrent pause/resume (which locks the row FOR UPDATE) finishes first, so a delivery is
//   never created `held` for an endpoint that was just resumed;
// - stale: endpoints whose filter is not the one evaluated in JS ($14/$15): then nothing is
//   written, their ids are answered (kind 'f'), and the batch re-reads the filters and runs again;
// - pairs: one row per (event, subscribed endpoint): active → pending, paused → held; an endpoint
//   with channels only for events carrying one of them ($13), one with a filter only for the
//   (event, endpoint) pairs that passed it: $16/$17 list the pairs that passed when $18 is true,
//   those that failed when it is false. An event sent to one endpoint by name (a test event) goes
//   to it whatever its event types, channels and filter;
// - ev: the events; ON CONFLICT DO NOTHING skips an id (idempotency key) stored already or twice
//   in this batch, and its caller answers with the stored event;
// - del: the deliveries of the events stored, numbered into the ids brought ($9);
// - claims: the Idempotency-Key claims of the requests whose event was stored, marked with it.
// Each event's provenance (what caused it, sealed: provenance.ts) rides in the same insert.
const WRITE_EVENTS = `
WITH items AS MATERIALIZED (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $12::text[], $13::text[],
                       $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[])
    WITH ORDINALITY AS t(id, org, env, type, payload, key, only_endpoint, claim, channels, c_type, c_id, c_label, c_ip, c_msg, c_mac, ord)
), ep AS MATERIALIZED (
  SELECT e."id", e."orgId", e."environment"::text AS env, e."status"::text AS status, e."eventTypes", e."operatorEvents",
         e."filter", COALESCE(e."channels", '{}') AS channels
    FROM "Endpoint" e
   WHERE (e."orgId", e."environment"::text) IN (SELECT * FROM unnest($10::text[], $11::text[]))
     AND e."status" IN ('active', 'paused') AND e."inboundWebhookId" IS NULL
     FOR SHARE OF e
), stale AS MATERIALIZED (
  SELECT ep."id", ep."filter" FROM ep
   WHERE ep."filter" IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM unnest($14::text[], $15::text[]) AS k(id, filter) WHERE k.id = ep."id" AND k.filter = ep."filter")
), matched AS MATERIALIZED (
  SELECT * FROM unnest($16::int[], $17::text[]) AS m(ord, endpoint_id)
), pairs AS MATERIALIZED (
  SELECT i.ord, i.id AS event_id, i.org, i.env, ep."id" AS endpoint_id, ep.status
    FROM items i JOIN ep ON ep."orgId" = i.org AND ep.env = i.env
    LEFT JOIN matched m ON m.ord = i.ord AND m.endpoint_id = ep."id"
   WHERE CASE WHEN i.only_endpoint IS NULL
              THEN (i.type = ANY(ep."eventTypes")
                    -- Gatehouse's own events go to operator endpoints, never to catch-alls (lib/notifications).
                    OR (CASE WHEN i.type LIKE 'gatehouse.%' THEN ep."operatorEvents" ELSE cardinality(ep."eventTypes") = 0 END))
                   AND (cardinality(ep.channels) = 0 OR ep.channels && string_to_array(i.channels, ','))
                   AND (ep."filter" IS NULL OR (m.endpoint_id IS NOT NULL) = $18::boolean)
              ELSE ep."id" = i.only_endpoint -- sent to this endpoint by name: whatever it subscribes to
         END
), ev AS (
  INSERT INTO "Event" ("id", "orgId", "environment", "type", "payload", "payloadBytes", "idempotencyKey", "channels", "createdAt",
                       "causedByType", "causedById", "causedByLabel", "causedByIp", "causedByMessageId", "provenanceMac")
  SELECT i.id, i.org, i.env::"Environment", i.type, i.payload::jsonb, octet_length(i.payload), i.key, string_to_array(i.channels, ','), $8::timestamp,
         i.c_type::"EventCause", i.c_id, i.c_label, i.c_ip, i.c_msg, i.c_mac
    FROM items i
   WHERE (SELECT count(*) FROM pairs) <= cardinality($9::text[]) AND NOT EXISTS (SELECT 1 FROM stale)
   ORDER BY i.ord
  ON CONFLICT ("orgId", "environment", "idempotencyKey") DO NOTHING
  RETURNING "id"
), numbered AS (
  SELECT p.*, row_number() OVER (ORDER BY p.ord, p.endpoint_id) AS n
    FROM pairs p WHERE p.event_id IN (SELECT "id" FROM ev)
), del AS (
  INSERT INTO "Delivery" ("id", "orgId", "environment", "eventId", "endpointId", "status", "createdAt", "updatedAt")
  SELECT ($9::text[])[n], org, env::"Environment", event_id, endpoint_id,
         (CASE status WHEN 'active' THEN 'pending' ELSE 'held' END)::"DeliveryStatus", $8::timestamp, $8::timestamp
    FROM numbered
  RETURNING "id", "eventId", "status"::text AS status, "endpointId"
), claims AS (
  UPDATE "IdempotencyKey" k SET "resourceRef" = 'event:' || i.id
    FROM items i
   WHERE i.claim IS NOT NULL AND k."id" = i.claim AND k."responseStatus" = 0 AND i.id IN (SELECT "id" FROM ev)
)
SELECT 'd' AS kind, "id", "eventId", status, "endpointId" FROM del
UNION ALL SELECT 'e', "id", NULL, NULL, NULL FROM ev
UNION ALL SELECT 'n', (SELECT count(*) FROM pairs)::text, NULL, NULL, NULL
UNION ALL SELECT 'f', "id", NULL, NULL, NULL FROM stale`;

/** kind 'f': an endpoint whose filter was not the one evaluated. */
type WriteRow = { kind: "d" | "e" | "n" | "f"; id: string; eventId: string | null; status: "pending" | "held" | null; endpointId: string | null };

async function writeEvents(items: Item[]): Promise<Outcome[]> {
  const scopes = [...new Map(items.map((i) => [`${i.opts.orgId}\0${i.opts.environment}`, i.opts])).values()];
  let idCount = items.reduce((n, i) => n + (deliveriesLastTime.get(kindOf(i.opts)) ?? 0), 0);
  const causes = items.map(({ opts: { cause = SYSTEM_CAUSE } }) => ({
    ...cause,
    label: cause.label.length > 320 ? [...cause.label].slice(0, 320).join("") : cause.label, // whole characters
    messageId: cause.messageId ?? null,
  }));
  const key = provenanceKey();
  for (let tries = 0; ; tries++) {
    const now = new Date();
    const eventIds = items.map(() => newEventId());
    const matches = filterMatches(items);
    const seals = items.map(({ opts: { orgId, environment, type } }, n) =>
      provenanceMac({ id: eventIds[n]!, orgId, environment, type, createdAt: now }, causes[n]!, key),
    );
    const deliveryIds = Array.from({ length: idCount }, () => newDeliveryId());
    const rows = await sql<WriteRow>(WRITE_EVENTS, [
      eventIds,
      items.map((i) => i.opts.orgId),
      items.map((i) => i.opts.environment),
      items.map((i) => i.opts.type),
      items.map((i) => i.payload),
      items.map((i) => i.opts.externalId ?? null),
      items.map((i) => i.opts.onlyEndpointId ?? null),
      now.toISOString(),
      deliveryIds,
      scopes.map((s) => s.orgId),
      scopes.map((s) => s.environment),
      items.map((i) => i.opts.idempotencyClaimId ?? null),
      items.map((i) => (i.opts.channels ?? []).join(",")), // channel names hold no commas
      scopes.flatMap((s) => [...(knownFilters.get(scopeOf(s))?.keys() ?? [])]),
      scopes.flatMap((s) => [...(knownFilters.get(scopeOf(s))?.values() ?? [])]),
      matches.ords,
      matches.endpointIds,
      matches.listed,
      causes.map((c) => c.type),
      causes.map((c) => c.id),
      causes.map((c) => c.label),
      causes.map((c) => c.ip),
      causes.map((c) => c.messageId),
      seals,
    ]);
    const stale = rows.filter((r) => r.kind === "f");
    if (stale.length) {
      // Nothing was written: learn the current filters of every endpoint in these scopes and
      // evaluate again. (Endpoints whose filter was removed drop out on the next refresh; until
      // then their entry is evaluated and ignored by the statement.)
      if (tries >= 5) throw new AppError("unavailable", "Endpoint filters kept changing while this event was stored; send it again.");
      const current = await sql<{ id: string; orgId: string; environment: string; filter: string }>(
        `SELECT "id", "orgId", "environment"::text AS "environment", "filter" FROM "Endpoint"
          WHERE ("orgId", "environment"::text) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND "filter" IS NOT NULL`,
        [scopes.map((s) => s.orgId), scopes.map((s) => s.environment)],
      );
      if (knownFilters.size > 10_000) knownFilters.clear();
      for (const s of scopes) knownFilters.set(scopeOf(s), new Map());
      for (const e of current) knownFilters.get(scopeOf(e))?.set(e.id, e.filter);
      continue;
    }
    const need = Number(rows.find((r) => r.kind === "n")!.id);
    const stored = new Set(rows.filter((r) => r.kind === "e").map((r) => r.id));
    if (stored.size === 0 && need > idCount) {
      idCount = need; // nothing was written: try again with enough ids
      continue;
    }
    // Ids were handed out in order (event, then endpoint id), so sorting by their position
    // keeps each event's deliveries in endpoint order.
    const position = new Map(deliveryIds.map((id, n) => [id, n]));
    const byEvent = new Map<string, { pending: string[]; pendingEndpoints: string[]; held: string[] }>();
    for (const r of rows.filter((r) => r.kind === "d").sort((a, b) => position.get(a.id)! - position.get(b.id)!)) {
      let e = byEvent.get(r.eventId!);
      if (!e) byEvent.set(r.eventId!, (e = { pending: [], pendingEndpoints: [], held: [] }));
      if (r.status === "pending") {
        e.pending.push(r.id);
        e.pendingEndpoints.push(r.endpointId!);
      } else e.held.push(r.id);
    }
    if (deliveriesLastTime.size > 10_000) deliveriesLastTime.clear();
    return items.map(({ opts }, n): Outcome => {
      const id = eventIds[n];
      if (!stored.has(id)) return { duplicate: true };
      const { pending, pendingEndpoints, held } = byEvent.get(id) ?? { pending: [], pendingEndpoints: [], held: [] };
      deliveriesLastTime.set(kindOf(opts), pending.length + held.length);
      const event: Event = {
        id,
        orgId: opts.orgId,
        environment: opts.environment,
        type: opts.type,
        payload: opts.data as Event["payload"],
        payloadBytes: Buffer.byteLength(items[n]!.payload),
        idempotencyKey: opts.externalId ?? null,
        channels: opts.channels ?? [],
        createdAt: now,
        causedByType: causes[n]!.type,
        causedById: causes[n]!.id,
        causedByLabel: causes[n]!.label,
        causedByIp: causes[n]!.ip,
        causedByMessageId: causes[n]!.messageId,
        provenanceMac: seals[n]!,
      };
      return {
        ok: {
          event,
          created: true,
          deliveryCount: pending.length + held.length,
          pendingDeliveryIds: pending,
          pendingEndpointIds: pendingEndpoints,
          heldDeliveryIds: held,
        },
      };
    });
  }
}

/**
 * Stores `items` in one statement; if that fails, stores each half on its own (and so on), so
 * one bad event (say, a \u0000 that jsonb refuses) fails alone and the rest still share commits.
 * Never rejects: every item leaves with its own outcome.
 */
async function store(items: Item[]): Promise<void> {
  try {
    const outcomes = await writeEvents(items);
    items.forEach((item, n) => (item.outcome = outcomes[n]));
  } catch (err) {
    if (items.length === 1) {
      items[0].outcome = { error: err };
      return;
    }
    const half = Math.ceil(items.length / 2);
    await store(items.slice(0, half));
    await store(items.slice(half));
  }
}

const storeEvent = processBatcher<Item>("ingest-event.storeEvent", store, 200);

export async function ingestEvent(opts: IngestEventOptions): Promise<IngestEventResult> {
  const startedAt = Date.now();
  const unrepresentable = unrepresentableNumbers(opts.data);
  if (unrepresentable.length) throw new AppError("validation_failed", describeFieldErrors(unrepresentable), { errors: unrepresentable });
  const type = await loadEventType(opts.orgId, opts.environment, opts.type);
  if (type.schema && typeof type.schema === "object" && !Array.isArray(type.schema)) {
    const errors = validatePayload(type.schema as Record<string, unknown>, opts.data);
    if (errors.length) throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
  }
  const seen = await existingEvent(opts);
  if (seen) return seen;

  const item: Item = { opts, payload: JSON.stringify(opts.data) };
  // Past the org's ceiling of event bytes pending delivery: 429 before anything is stored.
  const admitted = await admitEventBytes(opts.orgId, Buffer.byteLength(item.payload));
  try {
    await storeEvent(item);
  } finally {
    admitted();
  }
  const outcome = item.outcome!;
  if ("error" in outcome) throw outcome.error;
  if ("duplicate" in outcome) {
    // Two requests with the same id at once: the loser answers with the winner's event.
    const winner = await existingEvent(opts);
    if (winner) return winner;
    throw new AppError("conflict", `An event with id "${opts.externalId}" was sent at the same time and is not stored.`, {
      errors: [{ field: "id", message: "already exists" }],
    });
  }
  const result = outcome.ok;
  eventsAccepted.inc();
  traceAcceptedEvent({
    eventId: result.event.id,
    type: opts.type,
    orgId: opts.orgId,
    environment: opts.environment,
    startedAt,
    deliveries: [
      ...result.pendingDeliveryIds.map((id, i) => ({ id, endpointId: result.pendingEndpointIds[i], status: "pending" as const })),
      ...result.heldDeliveryIds.map((id) => ({ id, status: "held" as const })),
    ],
  });
  if (opts.dispatch !== false) {
    await dispatchDeliveries(result.pendingDeliveryIds.map((id, i) => ({ id, endpointId: result.pendingEndpointIds[i]!, orgId: opts.orgId })));
  }
  return result;
}
