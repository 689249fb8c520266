// One delivery attempt: sign the exact bytes, POST them, record the attempt, and decide what
// comes next. Called by the Inngest function once per try; it knows nothing of
// Inngest and reports the outcome for the function to act on.
import { createHmac } from "node:crypto";
import http, { type Agent } from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { retryDelayMs, parseRetryAfter, retrySchedule } from "@/lib/deliveries/retry-schedule";
import { sendRequest, type SendResult } from "@/lib/deliveries/send-request";
import { forwardRequest } from "@/lib/inbound/forward-request";
import { maskRecordedHeaders, sendableHeaders } from "@/lib/webhooks/custom-headers";
import { holdDeliveryIfEndpointPaused } from "@/lib/webhooks/set-endpoint-status";
import { endpointSigningSecrets } from "@/lib/webhooks/signing-secret";
import { decrypt } from "@/lib/crypto/encryption";
import { allowPrivateUrls, checkUrlSyntax } from "@/lib/webhooks/url-policy";
import { createBatcher, createLoader, prepared, sql } from "@/lib/db/sql";
import { createByteBudget, type ByteBudget } from "@/lib/deliveries/byte-budget";
import { trackSend } from "@/lib/deliveries/in-flight-sends";
import { runtime } from "@/lib/runtime/runtime";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import type { Delivery, Endpoint, Environment, Event, Prisma } from "@/lib/generated/prisma/client";
import { timeOrderedId } from "@/lib/webhooks/ids";
import { headerValueProblem } from "@/lib/validations/webhooks";
import { log } from "@/lib/observability/log";
import { attemptDuration, deliveryAttempts } from "@/lib/observability/metrics";
import { traceAttempt } from "@/lib/observability/tracing";
import { CIRCUIT_HELD_REASON, circuitOpened, closeCircuit, holdDeliveryIfCircuitOpen, probeDelayMs, probeFailed } from "@/lib/webhooks/endpoint-circuit";
import { healthBucketRows, healthBucketsCte, healthConfig } from "@/lib/webhooks/endpoint-health";
import { noteDeliveriesFailed, noteDeliveryFailed } from "@/lib/notifications/delivery-failed";
import { sendOperatorEvents } from "@/lib/notifications/create-notification";
import { notifyEndpointDisabled } from "@/lib/notifications/endpoint-notices";
import { claimSend, DEFAULT_MAX_IN_FLIGHT, MAX_IN_FLIGHT_LIMIT, holdDeliveryUntil, RATE_HORIZON_MS, releaseSend, type Lease } from "@/lib/deliveries/endpoint-throttle";
import { holdDeliveryIfFifoBlocked, OLDER_UNFINISHED, releaseNextFifoDelivery } from "@/lib/deliveries/fifo-ordering";

export const USER_AGENT = "Gatehouse-Webhooks/1.0";

export type AttemptOutcome =
  | { kind: "succeeded"; status: number }
  | { kind: "held" }
  | { kind: "skipped"; reason: string } // already finished, or gone
  | { kind: "deferred"; reason: string } // handed to a new run (the batch's time budget, a new URL)
  | { kind: "retry"; delayMs: number; message: string }
  | { kind: "failed"; message: string }; // last attempt failed, or the receiver said 410

/** The exact JSON bytes receivers get: Standard Webhooks' {type, timestamp, data} plus ids. */
export function payloadFor(event: { id: string; type: string; createdAt: Date; environment: string; payload: unknown }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    environment: event.environment,
    data: event.payload,
  });
}

/** `v1,<sig>` for each secret, space-separated (two during a rotation window). */
export function signatureHeader(secrets: string[], msgId: string, timestamp: Date, body: string, keyOf: (secret: string) => Buffer | null = signingKey): string {
  // Standard Webhooks' signature (HMAC-SHA256 over `id.timestamp.body`, base64), computed by
  // node:crypto: the library's own is pure JavaScript and was a visible share of a delivery's CPU.
  // A secret not in the canonical form goes through the library, which decides what it means.
  const signed = `${msgId}.${Math.floor(timestamp.getTime() / 1000)}.${body}`;
  return secrets
    .map((s) => {
      const key = keyOf(s);
      return key ? `v1,${createHmac("sha256", key).update(signed, "utf8").digest("base64")}` : new Webhook(s).sign(msgId, timestamp, body);
    })
    .join(" ");
}

/** A `whsec_` + base64 secret's HMAC key (what Standard Webhooks decodes), or null when not in that canonical form. */
function signingKey(secret: string): Buffer | null {
  const b64 = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  return b64.length > 0 && b64.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, "base64") : null;
}

/**
 * What a batch decrypts and decodes once for all its deliveries (their endpoints' secrets, headers
 * and tokens), instead of once per delivery. Lives as long as the batch: a changed secret is read
 * with the next batch's rows.
 */
function batchSecrets() {
  const opened = new Map<string, string>();
  const keys = new Map<string, Buffer | null>();
  return {
    open(ciphertext: string): string {
      let v = opened.get(ciphertext);
      if (v === undefined) opened.set(ciphertext, (v = decrypt(ciphertext)));
      return v;
    },
    key(secret: string): Buffer | null {
      let k = keys.get(secret);
      if (k === undefined) keys.set(secret, (k = signingKey(secret)));
      return k;
    },
  };
}
type BatchSecrets = ReturnType<typeof batchSecrets>;

type DeliveryToSend = Pick<Delivery, "id" | "status" | "eventId" | "releasedAt"> & {
  endpoint: Pick<
    Endpoint,
    | "id" | "orgId" | "environment" | "name" | "url" | "headers" | "headersEncrypted" | "secretEncrypted" | "previousSecretEncrypted"
    | "previousSecretUntil" | "olderSecrets" | "authTokenEncrypted" | "timeoutSeconds" | "status" | "disabledReason" | "inboundWebhookId"
    | "probeDeliveryId" | "maxInFlight" | "ordering" | "rateLimitPerSecond"
  > & { circuitOpen: boolean };
  event: Pick<Event, "id" | "type" | "createdAt" | "environment">;
  /** The payload's stored size (compressed, so a floor): what loading it costs, before it is loaded. */
  payloadBytes: number;
};

type Loaded = { deliveries: Map<string, DeliveryToSend>; payloads: Map<string, Prisma.JsonValue> | null };

/**
 * Deliveries with what sending them needs from their endpoint and event, in one query (once per
 * attempt); with their events' payloads too when all of them together are small (EAGER_BATCH_BYTES
 * as stored), else `payloads` is null and each send loads its own as it starts. The batches of
 * every run in the process that start together share the query (each keeps its own rows and its
 * own eager decision): runs that all start at once, as an org's do after its receivers' timeouts,
 * take one connection between them, not one each.
 */
async function loadDeliveries(ids: string[]): Promise<Loaded> {
  const batchers = runtime().deliveries.batchers;
  type Load = { ids: string[]; loaded?: Loaded };
  const load = (batchers.deliveries ??= createBatcher<Load>(async (loads) => {
    const all = await loadDeliveryGroups(loads.map((l) => l.ids));
    loads.forEach((l, i) => (l.loaded = all[i]));
  }, 100, 2)) as (l: Load) => Promise<void>;
  const item: Load = { ids: [...new Set(ids)] };
  await load(item);
  return item.loaded!;
}

type LoadedRow = Pick<Delivery, "id" | "status" | "eventId" | "releasedAt"> &
  Omit<DeliveryToSend["endpoint"], "id" | "status"> & { endpointId: string; endpointStatus: Endpoint["status"] } & {
    type: string;
    eventCreatedAt: Date;
    eventEnvironment: Environment;
    payloadBytes: number;
    payload: Prisma.JsonValue;
    eager: boolean;
    grp: number;
  };

/** loadDeliveries for several batches (groups of ids) in one statement. */
async function loadDeliveryGroups(groups: string[][]): Promise<Loaded[]> {
  type Row = LoadedRow;
  // Prepared (as the statements below): it runs for every batch (parsed once per connection, planned once).
  const rows = await prepared<Row>(
    "gatehouse_load_delivery_groups",
    `SELECT k."grp", d."id", d."status"::text AS "status", d."eventId", (d."releasedAt" AT TIME ZONE 'UTC') AS "releasedAt", e."id" AS "endpointId", e."orgId", e."environment"::text AS "environment",
       e."name", e."url", e."headers", e."headersEncrypted", e."secretEncrypted", e."previousSecretEncrypted",
       (e."previousSecretUntil" AT TIME ZONE 'UTC') AS "previousSecretUntil", e."olderSecrets", e."authTokenEncrypted", e."timeoutSeconds",
       e."status"::text AS "endpointStatus", e."disabledReason", e."inboundWebhookId", e."circuitOpenedAt" IS NOT NULL AS "circuitOpen", e."probeDeliveryId",
       e."maxInFlight", e."ordering"::text AS "ordering", e."rateLimitPerSecond",
       ev."type", (ev."createdAt" AT TIME ZONE 'UTC') AS "eventCreatedAt", ev."environment"::text AS "eventEnvironment", pg_column_size(ev."payload") AS "payloadBytes",
       sum(pg_column_size(ev."payload")) OVER (PARTITION BY k."grp") <= $3 AS "eager",
       CASE WHEN e."inboundWebhookId" IS NULL AND sum(pg_column_size(ev."payload")) OVER (PARTITION BY k."grp") <= $3 THEN ev."payload" END AS "payload"
     FROM unnest($1::text[], $2::int[]) AS k("id", "grp")
       JOIN "Delivery" d ON d."id" = k."id" JOIN "Endpoint" e ON e."id" = d."endpointId" JOIN "Event" ev ON ev."id" = d."eventId"`,
  )([groups.flat(), groups.flatMap((g, i) => g.map(() => i)), EAGER_BATCH_BYTES]);
  const byGroup = groups.map(() => [] as Row[]);
  for (const r of rows) byGroup[Number(r.grp)]!.push(r);
  return byGroup.map(toLoaded);
}

function toLoaded(rows: LoadedRow[]): Loaded {
  const eager = rows.every((r) => r.eager);
  const payloads = eager ? new Map(rows.filter((r) => !r.inboundWebhookId).map((r) => [r.eventId, r.payload])) : null;
  const deliveries = new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        status: r.status,
        eventId: r.eventId,
        releasedAt: r.releasedAt,
        endpoint: {
          id: r.endpointId,
          orgId: r.orgId,
          environment: r.environment,
          name: r.name,
          url: r.url,
          headers: r.headers,
          headersEncrypted: r.headersEncrypted,
          secretEncrypted: r.secretEncrypted,
          previousSecretEncrypted: r.previousSecretEncrypted,
          previousSecretUntil: r.previousSecretUntil,
          olderSecrets: r.olderSecrets,
          authTokenEncrypted: r.authTokenEncrypted,
          timeoutSeconds: r.timeoutSeconds,
          status: r.endpointStatus,
          disabledReason: r.disabledReason,
          inboundWebhookId: r.inboundWebhookId,
          circuitOpen: r.circuitOpen,
          probeDeliveryId: r.probeDeliveryId,
          maxInFlight: r.maxInFlight,
          ordering: r.ordering,
          rateLimitPerSecond: r.rateLimitPerSecond,
        },
        event: { id: r.eventId, type: r.type, createdAt: r.eventCreatedAt, environment: r.eventEnvironment },
        payloadBytes: Number(r.payloadBytes),
      },
    ]),
  );
  return { deliveries, payloads };
}

/**
 * Runs of one endpoint going at once in one process (deliver-webhook's concurrency key), and the
 * default of requests in flight to one endpoint (Endpoint.maxInFlight, across all processes).
 */
export const SEND_CONCURRENCY = DEFAULT_MAX_IN_FLIGHT;

/** `attempt` is 0-based: the number of earlier tries of this run. */
export async function attemptDelivery(opts: { deliveryId: string; attempt: number }): Promise<AttemptOutcome> {
  return (await attemptDeliveries({ deliveryIds: [opts.deliveryId], attempt: opts.attempt }))[0]!;
}

/**
 * A delivery to send: everything but its body, which is loaded (and signed) only when its send
 * starts, so a batch does not hold 100 payloads while it sends 10 at a time.
 */
type Planned = {
  d: DeliveryToSend;
  url: string;
  /** Custom headers and the bearer token, decrypted; names of the custom ones (masked in the log). */
  headers: Record<string, string>;
  customNames: string[];
  refused: string | null;
};

/** The exact request, built just before it goes, and what the attempt row records of it. */
type Built = {
  at: Date;
  headers: Record<string, string>;
  body: string | Buffer;
  recordedHeaders: Record<string, string>;
};

/**
 * A batch's time budget (GATEHOUSE_BATCH_BUDGET_SECONDS, default 120): no send starts that could
 * not end within it; what is left is handed to a new run. With the longest endpoint timeout
 * (30 s) and the recording, a call stays well below the executor's call timeout (10 min).
 */
export function batchBudgetMs(): number {
  const s = Number(process.env.GATEHOUSE_BATCH_BUDGET_SECONDS || 120);
  return (Number.isFinite(s) && s > 0 ? s : 120) * 1000;
}

/** A send's claim on its delivery lasts its timeout plus this (the time to record it). */
const CLAIM_MARGIN_MS = 15_000;
/** A retry may be claimed this early (the executor's retry time and the row's are set apart). */
const CLAIM_EARLY_MS = 2_000;
/** A send whose endpoint has every slot taken (by other processes) asks again after 1–2× this. */
const THROTTLE_POLL_MS = 25;

/**
 * One attempt (number `attempt`, 0-based, the same for all: they started together) of each
 * delivery, in order of `deliveryIds`: at most SEND_CONCURRENCY requests in flight per endpoint
 * (counting other calls' too), connections kept alive. Each send first claims its delivery
 * (claimDelivery: still pending, of this generation, not claimed by another attempt, and its
 * endpoint still active at the same URL), and each attempt is recorded as soon as it ends. When
 * some are to be retried, they all wait the longest delay any of them needs (a receiver's
 * Retry-After holds for its batch). `signal` (the executor gave up on the call) stops the batch:
 * sends in flight are cancelled and recorded, none starts after. Sends that could not end within
 * the batch's budget are handed to a new run (`deferred`).
 */
export async function attemptDeliveries(opts: {
  deliveryIds: string[];
  attempt: number;
  /**
   * The generation (`releasedAt` in ms, null if never released) each delivery's event carried.
   * A delivery re-armed since (by the sweeper, a resume, a hand-off) belongs to a newer run and is
   * skipped here. Deliveries not in the map are not checked.
   */
  generations?: Map<string, number | null>;
  signal?: AbortSignal;
  budgetMs?: number;
}): Promise<AttemptOutcome[]> {
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? batchBudgetMs());
  const schedule = retrySchedule();
  const isLast = opts.attempt >= schedule.length;
  const { deliveries: loaded, payloads: loadedPayloads } = await loadDeliveries(opts.deliveryIds);
  const secrets = batchSecrets();
  // What sending needs of an endpoint (headers, token, URL check), once per endpoint in the batch.
  const endpointPlans = new Map<string, Omit<Planned, "d">>();
  const outcomes = new Map<string, AttemptOutcome>();
  const ready: Planned[] = [];
  // Deliveries failed without an attempt (their endpoint is disabled, their forwarded message is
  // gone), in one write per message.
  const failures = new Map<string, string[]>(); // message → delivery ids
  const failWithoutAttempt = (deliveryId: string, message: string): AttemptOutcome => {
    if (!failures.has(message)) failures.set(message, []);
    failures.get(message)!.push(deliveryId);
    return { kind: "failed", message };
  };
  const failForDisabledEndpoint = (deliveryId: string, reason: string) => failWithoutAttempt(deliveryId, `endpoint disabled: ${reason}`);
  for (const id of opts.deliveryIds) {
    if (outcomes.has(id)) continue;
    const d = loaded.get(id);
    const gen = opts.generations?.get(id);
    const early = d
      ? gen !== undefined && gen !== (d.releasedAt?.getTime() ?? null)
        ? { kind: "skipped" as const, reason: "handed to a newer run" }
        : await checkSendable(d, failForDisabledEndpoint)
      : { kind: "skipped" as const, reason: "delivery no longer exists (endpoint deleted)" };
    if (early) outcomes.set(id, early);
    else {
      let ep = endpointPlans.get(d!.endpoint.id);
      if (!ep) endpointPlans.set(d!.endpoint.id, (ep = planEndpoint(d!.endpoint, secrets)));
      ready.push({ d: d!, ...ep });
    }
  }

  // A batch of small payloads loads them all at once (one query), holding them for the batch;
  // larger ones are loaded by each send as it starts, within the process's delivery buffer.
  const batchBytes = ready.reduce((n, p) => n + p.d.payloadBytes, 0);
  // (Loaded with the deliveries when all of theirs fit: then so do these.)
  const eager =
    batchBytes <= EAGER_BATCH_BYTES ? (loadedPayloads ?? (await loadPayloads(ready.filter((p) => !p.d.endpoint.inboundWebhookId).map((p) => p.d.eventId)))) : null;
  // The attempts' records, awaited together at the end of the batch. Each is marked handled at
  // once (its failure still reaches the Promise.all below): a record that fails while the batch
  // is still sending (the database went away) must fail the batch, not crash the process as an
  // unhandled rejection.
  const recording: Promise<void>[] = [];
  const keepRecord = (r: Promise<void>) => {
    r.catch(() => {});
    recording.push(r);
  };
  // Claims the delivery and a slot under its endpoint's throttle (endpoint-throttle.ts); while the
  // throttle says not yet, waits (within the batch's budget) and asks again. With `reclaim`, the
  // send already holds the delivery and asks for a fresh start (paceSend found its grant stale).
  const claimFor = async (
    p: Planned,
    timeoutMs: number,
    reclaim?: { claimedUntil: number; lease: Lease | null },
  ): Promise<{ lease: Lease; startAt: number } | "deferred" | "stop" | { heldUntil: Date } | Awaited<ReturnType<typeof whyNotClaimed>>> => {
    for (;;) {
      const a = await claimSend(
        { deliveryId: p.d.id, endpointId: p.d.endpoint.id, gen: p.d.releasedAt ? p.d.releasedAt.toISOString() : null, url: p.url, timeoutMs, reclaim },
        { claimEarlyMs: CLAIM_EARLY_MS, claimMarginMs: CLAIM_MARGIN_MS },
      );
      if (a.kind === "claimed") return a;
      if (a.kind === "refused") return whyNotClaimed(p);
      if (reclaim) reclaim = { ...reclaim, lease: null }; // given back by that statement
      // Throttled: a Retry-After pause, the rate limit's next start, or every slot taken (poll).
      const at = a.retryAt ?? Date.now() + THROTTLE_POLL_MS + Math.random() * THROTTLE_POLL_MS;
      if (stopped() || gone.has(p.d.endpoint.id)) return "stop";
      // (A re-claim's delivery is still claimed, so it cannot be held: it is handed off instead.)
      if (at + timeoutMs + RATE_HORIZON_MS > deadline) return a.pausedUntil !== null && !reclaim ? { heldUntil: new Date(a.pausedUntil) } : "deferred";
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    }
  };
  // What a send that was not claimed comes to (claimFor's answer other than a claim).
  const notClaimed = async (p: Planned, claim: Exclude<Awaited<ReturnType<typeof claimFor>>, { lease: Lease }>): Promise<void> => {
    if (claim === "stop") return; // the call was given up, or the endpoint answered 410 meanwhile
    if (claim === "moved" || claim === "deferred") handOff.push(p);
    else if (claim === "paused") outcomes.set(p.d.id, (await holdDeliveryIfEndpointPaused(p.d.id)) ? { kind: "held" } : { kind: "skipped", reason: "no longer pending" });
    else if (claim === "circuit") outcomes.set(p.d.id, (await holdDeliveryIfCircuitOpen(p.d.id)) ? { kind: "held" } : { kind: "skipped", reason: "no longer pending" });
    else if (claim === "fifo") {
      if (await holdDeliveryIfFifoBlocked(p.d.id)) outcomes.set(p.d.id, { kind: "held" });
      else handOff.push(p); // its predecessor finished meanwhile: a new run sends it
    } else if ("heldUntil" in claim) outcomes.set(p.d.id, (await holdDeliveryUntil(p.d.id, claim.heldUntil)) ? { kind: "held" } : { kind: "skipped", reason: "no longer pending" });
    else if ("disabled" in claim) outcomes.set(p.d.id, failForDisabledEndpoint(p.d.id, claim.disabled));
    else outcomes.set(p.d.id, claim);
  };
  const retrying: { deliveryId: string; delayMs: number }[] = [];
  const handOff: Planned[] = [];
  const gone = new Set<string>(); // endpoints that answered 410 in this call
  const disabled = new Set<string>();
  const allowPrivate = allowPrivateUrls();
  const stopped = () => opts.signal?.aborted === true;
  let next = 0;
  // The sends of this batch to one endpoint share one registration (in-flight-sends.ts) and one
  // signal joined with the call's: a delete, pause or URL change cancels every send registered
  // before it; a send registered after gets a fresh one.
  const endpointSignals = new Map<string, { tracked: ReturnType<typeof trackSend>; signal: AbortSignal; holders: number }>();
  const holdSendSignal = (endpointId: string): { signal: AbortSignal; done(): void } => {
    let e = endpointSignals.get(endpointId);
    if (!e || e.tracked.signal.aborted) {
      const tracked = trackSend(endpointId);
      e = { tracked, signal: opts.signal ? AbortSignal.any([opts.signal, tracked.signal]) : tracked.signal, holders: 0 };
      endpointSignals.set(endpointId, e);
    }
    const entry = e;
    entry.holders++;
    return {
      signal: entry.signal,
      done() {
        if (--entry.holders > 0) return;
        entry.tracked.done();
        if (endpointSignals.get(endpointId) === entry) endpointSignals.delete(endpointId);
      },
    };
  };

  const finish = async (p: Planned, built: Built, result: SendResult) => {
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const isGone = result.status === 410;
    if (isGone) {
      gone.add(p.d.endpoint.id);
      // Disabled first: once a delivery shows failed, the endpoint shows why. After a crash in
      // between, the retry finds the endpoint disabled and fails the delivery with that reason.
      if (!disabled.has(p.d.endpoint.id)) {
        disabled.add(p.d.endpoint.id); // once per endpoint, naming the delivery that got the 410
        await disableGoneEndpoint(p.d.endpoint, p.d.id);
      }
    }
    const message = result.error ?? `HTTP ${result.status}`;
    // A failed probe of an open circuit waits with the others for the next probe (endpoint-circuit.ts).
    const probe = p.d.endpoint.circuitOpen && p.d.endpoint.probeDeliveryId === p.d.id;
    const status = ok ? "succeeded" : isGone || isLast ? "failed" : probe ? "held" : "pending";
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers["retry-after"]) : null;
    const delayMs = status === "pending" ? retryDelayMs(opts.attempt, retryAfter, schedule) : 0;
    if (status === "pending") retrying.push({ deliveryId: p.d.id, delayMs });
    outcomes.set(
      p.d.id,
      ok
        ? { kind: "succeeded", status: result.status! }
        : status === "held"
          ? { kind: "held" }
          : status === "failed"
          ? { kind: "failed", message: isGone ? "410 Gone: endpoint disabled" : message }
          : { kind: "retry", delayMs, message },
    );
    deliveryAttempts.inc({ outcome: ok ? "succeeded" : status === "failed" ? "failed" : "retry" });
    if (!p.refused) attemptDuration.observe(result.latencyMs / 1000);
    traceAttempt({
      eventId: p.d.eventId,
      deliveryId: p.d.id,
      endpointId: p.d.endpoint.id,
      attempt: opts.attempt + 1,
      latencyMs: result.latencyMs,
      httpStatus: result.status,
      outcome: ok ? "succeeded" : status === "failed" ? "failed" : status === "held" ? "held" : "retry",
      error: ok ? null : message,
    });
    // An outcome, not an error of ours: one line at info, no stack (the receiver's body is never logged).
    if (!ok || log.isLevelEnabled("debug")) {
      log[ok ? "debug" : "info"](
        {
          delivery_id: p.d.id,
          endpoint_id: p.d.endpoint.id,
          attempt: opts.attempt + 1,
          http_status: result.status,
          latency_ms: result.latencyMs,
          ...(ok ? {} : { error: message }),
          ...(status === "pending" ? { retry_in_ms: delayMs } : {}),
        },
        ok ? "delivered" : status === "failed" ? "delivery failed" : "delivery attempt failed; retry scheduled",
      );
    }
    await recordOne({
      deliveryId: p.d.id,
      endpointId: p.d.endpoint.id,
      status,
      at: built.at,
      nextAttemptAt: status === "pending" ? new Date(Date.now() + delayMs) : null,
      ok,
      error: ok ? null : message,
      result,
      url: p.url,
      requestHeaders: built.recordedHeaders,
    });
    if (probe && !ok) await probeFailed(p.d.endpoint.id, p.d.id);
    // Failed for good: the notification centre and operator webhooks hear of it (debounced, lib/notifications).
    if (status === "failed" && !p.d.endpoint.inboundWebhookId) {
      await noteDeliveryFailed({ endpoint: p.d.endpoint, deliveryId: p.d.id, eventId: p.d.eventId, eventType: p.d.event.type, error: message });
    }
  };

  const worker = async () => {
    while (next < ready.length && !stopped()) {
      const p = ready[next++]!;
      if (gone.has(p.d.endpoint.id)) continue;
      // FIFO: the next claim must see this one finished, so its recording is waited for.
      const fifo = p.d.endpoint.ordering === "fifo";
      if (p.refused) {
        const built = await build(p, eager, secrets);
        if (built) {
          const recorded = finish(p, built, { status: null, headers: {}, body: null, latencyMs: 0, error: `refused: ${p.refused}` });
          keepRecord(recorded);
          if (fifo) await recorded;
        } else outcomes.set(p.d.id, failWithoutAttempt(p.d.id, FORWARD_GONE));
        continue;
      }
      const timeoutMs = p.d.endpoint.timeoutSeconds * 1000;
      // Registered before the claim: a delete, pause or URL change committed after the claim
      // cancels this send (abortEndpointSends), even if it has not started yet.
      const tracked = holdSendSignal(p.d.endpoint.id);
      await acquireSendSlot(p.d.endpoint.id, p.d.endpoint.maxInFlight);
      let lease: Lease | null = null;
      let recorded: Promise<void> | null = null;
      try {
        if (gone.has(p.d.endpoint.id) || stopped()) continue; // answered 410, or the call was given up, while this one waited
        if (Date.now() + timeoutMs > deadline) {
          handOff.push(p); // could not end within the budget: a new run sends it
          continue;
        }
        let claim = await claimFor(p, timeoutMs);
        if (!(typeof claim === "object" && "lease" in claim)) {
          await notClaimed(p, claim);
          continue;
        }
        lease = claim.lease;
        // The body is loaded now, within the process's delivery buffer (GATEHOUSE_DELIVERY_BUFFER_MIB).
        const held = eager ? null : await deliveryBuffer().acquire(FOOTPRINT * p.d.payloadBytes);
        try {
          const built = await build(p, eager, secrets);
          if (!built) {
            outcomes.set(p.d.id, failWithoutAttempt(p.d.id, FORWARD_GONE));
            continue;
          }
          held?.grow(bodyFootprint(built.body));
          const signal = tracked.signal;
          // The rate limit's start for this send (at most RATE_HORIZON_MS ahead), just before it
          // goes; a start gone stale meanwhile is exchanged for a fresh one (paceSend).
          let paced = await paceSend(p.d.endpoint, claim.startAt);
          for (let i = 0; !paced && i < MAX_RECLAIMS; i++) {
            // A fresh start may be up to RATE_HORIZON_MS ahead; past the batch's budget it goes to a new run.
            if (Date.now() + timeoutMs + RATE_HORIZON_MS > deadline) break;
            const again = await claimFor(p, timeoutMs, { claimedUntil: claim.startAt + timeoutMs + CLAIM_MARGIN_MS, lease: claim.lease });
            lease = null; // given back by the re-claim's statement
            if (!(typeof again === "object" && "lease" in again)) {
              await notClaimed(p, again); // as a first claim's answer: stopped, held, handed off...
              break;
            }
            claim = again;
            lease = claim.lease;
            // The last fresh start is kept even if late: a loop that lags past the slack on every
            // timer would otherwise never send (in this process it is still spaced one interval).
            paced = await paceSend(p.d.endpoint, claim.startAt, i + 1 < MAX_RECLAIMS);
          }
          if (!paced) {
            // Too near the end of the batch's budget for a fresh start: a new run sends it (the
            // hand-off re-arms it as a new generation, so this run's claim no longer counts).
            if (lease) handOff.push(p);
            continue;
          }
          const result = await sendRequest({ url: p.url, headers: built.headers, body: built.body, timeoutMs, allowPrivate, agent: agentFor(p.d.endpoint.id, p.url), signal });
          // A receiver's 429/503 with Retry-After holds every send to the endpoint until then.
          const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers["retry-after"]) : null;
          void releaseSend(claim.lease, retryAfter ? Date.now() + retryAfter : null);
          lease = null;
          recorded = finish(p, built, result);
          keepRecord(recorded);
        } finally {
          held?.release();
        }
      } finally {
        if (lease) void releaseSend(lease, null);
        releaseSendSlot(p.d.endpoint.id);
        tracked.done();
      }
      if (fifo && recorded) {
        await recorded;
        const o = outcomes.get(p.d.id);
        if (o && (o.kind === "succeeded" || o.kind === "failed")) await releaseNextFifoDelivery(p.d.endpoint.id);
      }
    }
  };
  const batchHold = eager ? deliveryBuffer().take(FOOTPRINT * batchBytes) : null;
  try {
    // FIFO endpoints' deliveries go one at a time, oldest first; others up to the endpoint's maxInFlight.
    const fifo = ready.some((p) => p.d.endpoint.ordering === "fifo");
    if (fifo) ready.sort((a, b) => (a.d.id < b.d.id ? -1 : a.d.id > b.d.id ? 1 : 0));
    const workers = fifo ? 1 : Math.max(1, ...ready.map((p) => p.d.endpoint.maxInFlight));
    await Promise.all(Array.from({ length: Math.min(workers, ready.length) }, worker));
    await Promise.all(recording);
  } finally {
    batchHold?.release();
  }

  // Not sent because its endpoint answered 410 to another delivery of this batch.
  for (const p of ready) if (!outcomes.has(p.d.id) && gone.has(p.d.endpoint.id) && !handOff.includes(p)) outcomes.set(p.d.id, failForDisabledEndpoint(p.d.id, GONE_REASON));
  for (const [message, ids] of failures) {
    await db.delivery.updateMany({
      where: { id: { in: ids } },
      data: { status: "failed", lastError: message, completedAt: new Date(), nextAttemptAt: null },
    });
    await noteDeliveriesFailed(ids, message);
  }
  // One retry time for the batch: the longest delay any of them needs.
  // (All alike, as when a batch's sends time out together: each row already has its own retry
  // time, no later than the run's, and no statement is spent moving them by milliseconds.)
  if (retrying.length > 1 && retrying.some((r) => r.delayMs !== retrying[0]!.delayMs)) {
    const delayMs = Math.max(...retrying.map((r) => r.delayMs));
    for (const r of retrying) {
      r.delayMs = delayMs;
      outcomes.set(r.deliveryId, { ...(outcomes.get(r.deliveryId) as Extract<AttemptOutcome, { kind: "retry" }>), delayMs });
    }
    await sql(`UPDATE "Delivery" SET "nextAttemptAt" = $2::timestamp WHERE "id" = ANY($1::text[]) AND "status" = 'pending' AND "nextAttemptAt" < $2::timestamp`, [
      retrying.map((r) => r.deliveryId),
      new Date(Date.now() + delayMs).toISOString(),
    ]);
  }
  if (handOff.length) {
    const ids = await handOffDeliveries(handOff.map((p) => p.d));
    for (const p of handOff) outcomes.set(p.d.id, ids.includes(p.d.id) ? { kind: "deferred", reason: "handed to a new run" } : { kind: "skipped", reason: "no longer pending" });
  }
  // What the call did not get to (it was given up): still pending and due; the retry sends it.
  for (const id of opts.deliveryIds) if (!outcomes.has(id)) outcomes.set(id, { kind: "skipped", reason: "not attempted: the call was cancelled" });
  return opts.deliveryIds.map((id) => outcomes.get(id)!);
}

/**
 * Attempt records go to the database together, across every run in this process: one statement
 * in flight, and whatever arrives meanwhile joins the next. Under load one statement serves many
 * sends (a round trip per send made the engine CPU-bound on the database socket: 894 deliveries/s
 * against 2,307 with one write per batch), and a lone send still has its own at once. Claims are
 * batched the same way (claimSend, endpoint-throttle.ts).
 */
function recordOne(a: AttemptRecord): Promise<void> {
  const batchers = runtime().deliveries.batchers;
  const record = (batchers.records ??= createBatcher<AttemptRecord>(recordAttempts, 500, 1)) as (a: AttemptRecord) => Promise<void>;
  return record(a);
}

/** Why a delivery could not be claimed (see claimDeliveries). */
async function whyNotClaimed(p: Planned): Promise<"paused" | "moved" | "circuit" | "fifo" | { disabled: string } | AttemptOutcome> {
  const now = Date.now();
  const [row] = await sql<{ status: string; releasedAt: Date | null; nextAttemptAt: Date | null; endpointStatus: string | null; url: string | null; disabledReason: string | null; circuitHolds: boolean; fifoBlocked: boolean }>(
    `SELECT d."status"::text AS "status", (d."releasedAt" AT TIME ZONE 'UTC') AS "releasedAt", (d."nextAttemptAt" AT TIME ZONE 'UTC') AS "nextAttemptAt", e."status"::text AS "endpointStatus", e."url", e."disabledReason",
       (e."circuitOpenedAt" IS NOT NULL AND e."probeDeliveryId" IS DISTINCT FROM d."id") AS "circuitHolds",
       (e."ordering" = 'fifo' AND ${OLDER_UNFINISHED}) AS "fifoBlocked"
     FROM "Delivery" d LEFT JOIN "Endpoint" e ON e."id" = d."endpointId" WHERE d."id" = $1`,
    [p.d.id],
  );
  if (!row || !row.endpointStatus) return { kind: "skipped", reason: "delivery no longer exists (endpoint deleted)" };
  if (row.status === "held") return { kind: "held" };
  if (row.status !== "pending") return { kind: "skipped", reason: `already ${row.status}` };
  if ((row.releasedAt?.getTime() ?? null) !== (p.d.releasedAt?.getTime() ?? null)) return { kind: "skipped", reason: "handed to a newer run" };
  if (row.endpointStatus === "paused") return "paused";
  if (row.endpointStatus === "disabled") return { disabled: row.disabledReason ?? "by an admin" };
  if (row.url !== p.url) return "moved"; // re-pointed: a new run signs and sends it to the new URL
  if (row.circuitHolds) return "circuit"; // the circuit opened meanwhile: held, no attempt spent
  // FIFO: an older message of the endpoint is unfinished; held until it finishes (fifo-ordering.ts).
  if (row.fifoBlocked && (row.nextAttemptAt?.getTime() ?? 0) <= now + CLAIM_EARLY_MS) return "fifo";
  // Not due: another attempt has it in flight, or its retry time has not come. Try again then.
  const delayMs = Math.max(0, (row.nextAttemptAt?.getTime() ?? now) - Date.now());
  return { kind: "retry", delayMs, message: "not due yet (another attempt of it is in flight, or its retry time has not come)" };
}

/**
 * Hands pending deliveries to a new run: a new generation (so this run's retries skip them),
 * due now, and dispatched. If the dispatch is lost they are due, and the sweeper sends them.
 */
async function handOffDeliveries(ds: DeliveryToSend[]): Promise<string[]> {
  const now = new Date().toISOString();
  const rows = await sql<{ id: string; createdAt: Date }>(
    `UPDATE "Delivery" d SET "releasedAt" = $2::timestamp, "nextAttemptAt" = $2::timestamp, "updatedAt" = $2::timestamp
     FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "gen" timestamp)
     WHERE d."id" = x."id" AND d."status" = 'pending' AND d."releasedAt" IS NOT DISTINCT FROM x."gen"
     RETURNING d."id", (d."createdAt" AT TIME ZONE 'UTC') AS "createdAt"`,
    [JSON.stringify(ds.map((d) => ({ id: d.id, gen: d.releasedAt ? d.releasedAt.toISOString() : null }))), now],
  );
  const ids = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  await dispatchDeliveries(ids);
  return ids;
}

/** Why a delivery is not sent at all this time (finished, held, disabled), or null to send it. */
async function checkSendable(
  d: DeliveryToSend,
  failForDisabledEndpoint: (deliveryId: string, reason: string) => AttemptOutcome,
): Promise<AttemptOutcome | null> {
  if (d.status === "succeeded" || d.status === "failed") return { kind: "skipped", reason: `already ${d.status}` };
  if (d.status === "held") return { kind: "held" };
  // Only a paused endpoint holds; the locked check settles a race with a resume (see there).
  if (d.endpoint.status === "paused" && (await holdDeliveryIfEndpointPaused(d.id))) return { kind: "held" };
  if (d.endpoint.status === "disabled") return failForDisabledEndpoint(d.id, d.endpoint.disabledReason ?? "by an admin");
  // An open circuit holds all but its probe (endpoint-circuit.ts).
  if (d.endpoint.circuitOpen && d.endpoint.probeDeliveryId !== d.id && (await holdDeliveryIfCircuitOpen(d.id))) return { kind: "held" };
  return null;
}

/** What sending to an endpoint needs besides the body; whether it may be sent to at all. */
function planEndpoint(endpoint: DeliveryToSend["endpoint"], secrets: BatchSecrets): Omit<Planned, "d"> {
  // A stored header the API would refuse (or one that no longer decrypts) fails the attempt with
  // a clear error instead of throwing inside the HTTP client.
  const custom = sendableHeaders(endpoint);
  let token: string | null = null;
  let tokenProblem: string | null = null;
  try {
    token = endpoint.authTokenEncrypted ? secrets.open(endpoint.authTokenEncrypted) : null;
  } catch {
    tokenProblem = "the auth token cannot be decrypted (was GATEHOUSE_ENCRYPTION_KEY changed?)";
  }
  if (token && headerValueProblem(token)) tokenProblem = "the auth token cannot be sent in a header (characters other than printable ASCII)";
  const syntax = checkUrlSyntax(endpoint.url, { environment: endpoint.environment, allowPrivate: allowPrivateUrls() });
  const headers = "headers" in custom ? custom.headers : {};
  return {
    url: endpoint.url,
    headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
    customNames: Object.keys(headers),
    refused: !syntax.ok ? syntax.problem.message : "problem" in custom ? custom.problem : tokenProblem,
  };
}

const FORWARD_GONE = "the forwarded message no longer exists";

/** The signed request for one delivery, built from the exact bytes it sends (null: a forward whose message is gone). */
async function build(p: Planned, loaded: Map<string, Prisma.JsonValue> | null, keys: BatchSecrets): Promise<Built | null> {
  const { d } = p;
  const now = new Date();
  const msgId = d.id; // stable across this delivery's retries
  // An incoming webhook's forward endpoint relays the stored request bytes instead of an envelope.
  const forward = d.endpoint.inboundWebhookId ? await forwardRequest(d.eventId) : null;
  if (d.endpoint.inboundWebhookId && !forward) return null;
  const payload = forward ? null : loaded?.has(d.eventId) ? loaded.get(d.eventId)! : await loadPayload(d.eventId);
  const body = forward ? forward.body : payloadFor({ ...d.event, payload });
  const secrets = endpointSigningSecrets(d.endpoint, now, keys.open);
  const { authorization, ...custom } = p.headers;
  const headers: Record<string, string> = {
    ...custom,
    "content-type": "application/json",
    ...forward?.headers,
    "user-agent": USER_AGENT,
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": forward ? forward.sign(secrets, msgId, now) : signatureHeader(secrets, msgId, now, body as string, keys.key),
    ...(authorization ? { authorization } : {}),
  };
  // The recorded request shows what was sent, with custom header values and the bearer token masked.
  // (Nothing to mask without custom headers or a token: the headers as sent, which nothing changes afterwards.)
  const masked = p.customNames.length > 0 || authorization !== undefined || forward !== null;
  return { at: now, headers, body, recordedHeaders: masked ? maskRecordedHeaders(headers, p.customNames) : headers };
}

/** A batch whose payloads add up to no more than this (as stored) loads them all at once. */
const EAGER_BATCH_BYTES = 1024 * 1024;

async function loadPayloads(eventIds: string[]): Promise<Map<string, Prisma.JsonValue>> {
  if (eventIds.length === 0) return new Map();
  const rows = await prepared<{ id: string; payload: Prisma.JsonValue }>("gatehouse_load_payloads", `SELECT "id", "payload" FROM "Event" WHERE "id" = ANY($1::text[])`)([[...new Set(eventIds)]]);
  return new Map(rows.map((r) => [r.id, r.payload]));
}

/**
 * An event payload, loaded when its send starts; the sends of every run in the process that start
 * together share one query.
 */
async function loadPayload(eventId: string): Promise<Prisma.JsonValue> {
  const batchers = runtime().deliveries.batchers;
  const load = (batchers.payloads ??= createLoader<string, Prisma.JsonValue>(loadPayloads, 100, 2)) as (id: string) => Promise<Prisma.JsonValue | undefined>;
  return (await load(eventId)) ?? null;
}

/** What a body in flight costs the process, roughly, per byte: the payload as parsed, and the body as sent. */
const FOOTPRINT = 3;
function bodyFootprint(body: string | Buffer): number {
  return FOOTPRINT * (typeof body === "string" ? Buffer.byteLength(body) : body.length);
}

/**
 * The bodies this process holds for sends in flight, in bytes, bounded by
 * GATEHOUSE_DELIVERY_BUFFER_MIB (default 256): a send waits for room before loading its body (a
 * lone send larger than the whole buffer still goes, alone). Memory is bounded by configuration,
 * not by how large the payloads of slow endpoints' backlogs are.
 */
function deliveryBuffer(): ByteBudget {
  return (runtime().deliveries.buffer ??= createByteBudget(() => {
    const mib = Number(process.env.GATEHOUSE_DELIVERY_BUFFER_MIB || 256);
    return (Number.isFinite(mib) && mib > 0 ? mib : 256) * 1024 * 1024;
  }));
}

/**
 * Requests in flight per endpoint in this process: never more than the endpoint's maxInFlight,
 * however many runs are sending to it at once (a freed slot goes to the longest waiting request).
 * Across processes the claim's lease counts them (endpoint-throttle.ts); this keeps a process from
 * asking for slots it could not use. The slots are the process's (runtime().deliveries.slots).
 */
async function acquireSendSlot(endpointId: string, limit: number): Promise<void> {
  const sending = runtime().deliveries.slots;
  let e = sending.get(endpointId);
  if (!e) sending.set(endpointId, (e = { n: 0, waiting: [], lastStart: 0 }));
  if (e.n < limit) {
    e.n++;
    return;
  }
  await new Promise<void>((resolve) => e.waiting.push(resolve)); // the releasing request hands its slot over
}

/**
 * Waits for a send's start under the rate limit; false when that start has gone stale (the send
 * then asks the throttle for a fresh one). Starts are granted one interval apart, but timers that
 * fire late (a busy event loop) would let sends granted apart go together: in this process a send
 * also keeps one interval after the previous one started (looked at again after each wait), and
 * never goes closer. A send that would so start more than PACE_SLACK_MS past its grant does not go
 * on it: after a stall (GC, a long synchronous task, a paused process) every send whose start passed
 * meanwhile wakes at once, their starts were counted in a second that is over, and the throttle has
 * been granting the next ones to other sends (of this process and others); sending them late, even
 * spaced here, would add to those. A fresh grant (the same claim statement, keeping the delivery's
 * claim) puts it after them and renews its lease. So a receiver gets at most its rate (+1 at a
 * window's edges) in any second from one process, whatever the stall, and across processes at most
 * PACE_SLACK_MS's worth more. Timers that fire on time cost nothing; a send re-claims only when its
 * start would slip past the slack (a stall, or a backlog sent at the full rate for long enough that
 * timers' late milliseconds add up to it). With `strict` false (a send's last fresh start) it goes
 * however late, still spaced in this process: a process whose every timer fires past the slack (an
 * overloaded one) still sends, at most its rate.
 */
const PACE_SLACK_MS = 100;
/** A send exchanges a stale start for a fresh one at most this many times, and goes on the last. */
const MAX_RECLAIMS = 2;
async function paceSend(endpoint: { id: string; rateLimitPerSecond: number | null }, startAt: number, strict = true): Promise<boolean> {
  const gap = endpoint.rateLimitPerSecond ? 1000 / endpoint.rateLimitPerSecond : 0;
  const sending = runtime().deliveries.slots;
  for (let i = 0; i < 100; i++) {
    const e = sending.get(endpoint.id);
    const at = e && gap ? Math.max(startAt, e.lastStart + gap) : startAt;
    const now = Date.now();
    if (strict && gap && Math.max(at, now) > startAt + PACE_SLACK_MS) return false;
    if (at <= now) {
      if (e && gap) e.lastStart = now;
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, at - now));
  }
  return !gap; // (each wait ends at a start within the slack: not reached)
}

function releaseSendSlot(endpointId: string): void {
  const sending = runtime().deliveries.slots;
  const e = sending.get(endpointId)!;
  const next = e.waiting.shift();
  if (next) next();
  else if (--e.n === 0) sending.delete(endpointId);
}

/**
 * Connections to an endpoint are kept alive between its requests, so a busy endpoint does not
 * pay a TCP (and TLS) handshake per delivery. One agent per endpoint and URL origin, at most
 * SEND_CONCURRENCY sockets; an idle socket is closed after IDLE_SOCKET_MS, well before common
 * servers' keep-alive timeouts (Node's 5 s), so we seldom write to a socket the receiver has just
 * closed. The private-address check runs whenever a socket connects (see send-request.ts).
 */
const IDLE_SOCKET_MS = 1_000;
const MAX_AGENTS = 500;

function agentFor(endpointId: string, url: string): Agent {
  const agents = runtime().deliveries.agents; // in use order: the least recently used first
  const key = `${endpointId} ${new URL(url).origin}`;
  let agent = agents.get(key);
  if (agent) agents.delete(key);
  else {
    // The sends themselves are bounded by the endpoint's maxInFlight (acquireSendSlot, the claim).
    const options = { keepAlive: true, maxSockets: MAX_IN_FLIGHT_LIMIT, maxFreeSockets: SEND_CONCURRENCY, timeout: IDLE_SOCKET_MS };
    agent = url.startsWith("https:") ? new https.Agent(options) : new http.Agent(options);
  }
  agents.set(key, agent);
  // Forget the least recently used: its sockets close on their own once idle.
  if (agents.size > MAX_AGENTS) agents.delete(agents.keys().next().value!);
  return agent;
}

type AttemptRecord = {
  deliveryId: string;
  endpointId: string;
  status: "succeeded" | "failed" | "pending" | "held";
  at: Date;
  nextAttemptAt: Date | null;
  ok: boolean;
  error: string | null;
  result: SendResult;
  url: string;
  requestHeaders: Record<string, string>;
};

/**
 * The attempts' outcomes on their deliveries, the attempt rows, the endpoints' health buckets and
 * failure streaks, in one statement for the whole batch (atomic, one round trip). An endpoint's
 * streak ends when any of its attempts here succeeded, and its row is only touched then when the
 * streak was not already over, so deliveries to one endpoint do not queue on its row lock. A
 * streak long enough, over more than one delivery, opens the endpoint's circuit; a success on an
 * open circuit closes it (endpoint-circuit.ts).
 */
async function recordAttempts(list: AttemptRecord[]): Promise<void> {
  if (list.length === 0) return;
  const iso = (t: Date | null) => (t ? t.toISOString() : null);
  const now = new Date().toISOString();
  const cfg = healthConfig();
  // A send we cancelled ourselves (the endpoint was paused, deleted or re-pointed, the call given
  // up) says nothing about the receiver: it counts toward neither health nor the failure streak.
  const counts = (a: AttemptRecord) => !a.result.error?.startsWith("cancelled:");
  const buckets = healthBucketRows(
    list.filter(counts).map((a) => ({ endpointId: a.endpointId, at: a.at, ok: a.ok, latencyMs: a.result.latencyMs, responded: a.result.status !== null })),
  );
  // Not prepared, so planned each time for the tables as they are now: a prepared statement's
  // generic plan, made while a new install's Delivery table was small, went on scanning the whole
  // table (or its pending backlog) for every batch once it had grown (14 ms a batch at 28,000 rows
  // in bench:e2e). Planning a batch's statement costs far less than that.
  const changed = await sql<{ id: string; opened: boolean; recovered: boolean }>(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("deliveryId" text, "endpointId" text, "status" text, "at" timestamp,
         "nextAttemptAt" timestamp, "completedAt" timestamp, "ok" boolean, "counts" boolean, "error" text, "attemptId" text, "url" text, "requestHeaders" jsonb,
         "responseStatus" int, "responseHeaders" jsonb, "responseBody" text, "latencyMs" int, "sendError" text)),
     -- The replay this attempt answers, if any (read before d clears it: one snapshot for all).
     -- (Each by its key: OFFSET 0 keeps the lookup from becoming a scan for replays; read once.)
     r AS MATERIALIZED (
       SELECT t."id", t."replayRequestedAt", t."replayRequestedBy"
       FROM x CROSS JOIN LATERAL (SELECT * FROM "Delivery" t WHERE t."id" = x."deliveryId" OFFSET 0) t
       WHERE t."replayRequestedAt" IS NOT NULL),
     d AS (
       UPDATE "Delivery" t SET "attempts" = t."attempts" + 1, "status" = x."status"::"DeliveryStatus", "lastAttemptAt" = x."at",
         "lastResponseStatus" = x."responseStatus", "lastError" = x."error", "nextAttemptAt" = x."nextAttemptAt",
         "heldReason" = CASE WHEN x."status" = 'held' THEN $5 ELSE t."heldReason" END,
         "completedAt" = x."completedAt", "replayRequestedAt" = NULL, "replayRequestedBy" = NULL, "updatedAt" = $2::timestamp
       FROM x WHERE t."id" = x."deliveryId" AND t."id" = ANY($7::text[]) RETURNING t."id", t."attempts"),
     a AS (
       INSERT INTO "DeliveryAttempt" ("id", "deliveryId", "number", "url", "requestHeaders", "responseStatus",
         "responseHeaders", "responseBody", "latencyMs", "error", "replayedAt", "replayedBy", "createdAt")
       SELECT x."attemptId", d."id", d."attempts", x."url", x."requestHeaders", x."responseStatus", x."responseHeaders",
         x."responseBody", x."latencyMs", x."sendError", r."replayRequestedAt", r."replayRequestedBy", $2::timestamp
       FROM d JOIN x ON x."deliveryId" = d."id" LEFT JOIN r ON r."id" = d."id"),
     ${healthBucketsCte("$3")},
     e AS (
       SELECT x."endpointId", bool_or(x."ok") AS "anyOk", count(*) FILTER (WHERE NOT x."ok") AS "failures",
         min(x."deliveryId") FILTER (WHERE NOT x."ok") AS "minFailed", max(x."deliveryId") FILTER (WHERE NOT x."ok") AS "maxFailed"
       FROM x JOIN d ON d."id" = x."deliveryId" WHERE x."counts" GROUP BY x."endpointId"),
     s AS (
       SELECT ep."id", e."anyOk", e."failures", e."minFailed",
         NOT e."anyOk" AND (ep."failingSpread" OR e."minFailed" <> e."maxFailed" OR ep."failingDeliveryId" <> e."minFailed") AS "spread",
         NOT e."anyOk" AND ep."circuitOpenedAt" IS NULL AND ep."status" = 'active' AND ep."consecutiveFailures" + e."failures" >= $4
           AND (ep."failingSpread" OR e."minFailed" <> e."maxFailed" OR ep."failingDeliveryId" <> e."minFailed") AS "opens"
       FROM e JOIN "Endpoint" ep ON ep."id" = e."endpointId"
       WHERE NOT e."anyOk" OR ep."consecutiveFailures" <> 0 OR ep."failingSince" IS NOT NULL OR ep."circuitOpenedAt" IS NOT NULL)
     UPDATE "Endpoint" ep SET "consecutiveFailures" = CASE WHEN s."anyOk" THEN 0 ELSE ep."consecutiveFailures" + s."failures" END,
       "failingSince" = CASE WHEN s."anyOk" THEN NULL ELSE COALESCE(ep."failingSince", $2::timestamp) END,
       "failingDeliveryId" = CASE WHEN s."anyOk" THEN NULL ELSE COALESCE(ep."failingDeliveryId", s."minFailed") END,
       "failingSpread" = COALESCE(s."spread", false),
       "circuitOpenedAt" = CASE WHEN s."opens" THEN $2::timestamp ELSE ep."circuitOpenedAt" END,
       "circuitProbes" = CASE WHEN s."opens" THEN 0 ELSE ep."circuitProbes" END,
       "nextProbeAt" = CASE WHEN s."opens" THEN $2::timestamp + make_interval(secs => $6::int / 1000.0) ELSE ep."nextProbeAt" END,
       "updatedAt" = $2::timestamp
     FROM s WHERE ep."id" = s."id"
     RETURNING ep."id", COALESCE(s."opens", false) AS "opened", s."anyOk" AND ep."circuitOpenedAt" IS NOT NULL AS "recovered"`,
  [
    JSON.stringify(
      list.map((a) => ({
        deliveryId: a.deliveryId,
        endpointId: a.endpointId,
        status: a.status,
        at: iso(a.at),
        nextAttemptAt: iso(a.nextAttemptAt),
        completedAt: a.status === "pending" ? null : now,
        ok: a.ok,
        counts: counts(a),
        error: a.error,
        attemptId: `att_${timeOrderedId()}`,
        url: a.url,
        requestHeaders: a.requestHeaders,
        responseStatus: a.result.status,
        responseHeaders: a.result.status === null ? null : a.result.headers,
        responseBody: a.result.body,
        latencyMs: a.result.latencyMs,
        sendError: a.result.error ?? null,
      })),
    ),
    now,
    JSON.stringify(buckets),
    cfg.failures,
    CIRCUIT_HELD_REASON,
    probeDelayMs(0, cfg),
    // The ids again, as an array: the planner then finds the rows by key (x's size it cannot know).
    list.map((a) => a.deliveryId),
  ]);
  // Audit entries and releases after the statement; if this process dies first, the next
  // runCircuitProbes closes a circuit whose streak a success ended.
  for (const c of changed) {
    try {
      if (c.opened) await circuitOpened(c.id);
      if (c.recovered) await closeCircuit(c.id);
    } catch (err) {
      console.error("circuit breaker: could not record a change of endpoint", c.id, err);
    }
  }
}

const GONE_REASON = "the receiver answered 410 Gone";

/** A 410 Gone disables the endpoint, once, with an audit entry naming the delivery. */
async function disableGoneEndpoint(endpoint: { id: string; orgId: string; environment: Environment; name: string; url: string; status: string }, deliveryId: string): Promise<void> {
  const reason = GONE_REASON;
  const at = new Date();
  const notice = await db.$transaction(async (tx) => {
    const { count } = await tx.endpoint.updateMany({
      where: { id: endpoint.id, status: { not: "disabled" } },
      data: { status: "disabled", disabledAt: at, disabledReason: reason },
    });
    if (count === 0) return null; // already disabled, by an admin or a concurrent 410
    await recordAuditEvent(tx, {
      orgId: endpoint.orgId,
      environment: endpoint.environment,
      ctx: { actor: { type: "system", id: null, label: "Gatehouse" } },
      action: "endpoint.disabled",
      target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
      before: { status: endpoint.status },
      after: { status: "disabled", reason, delivery_id: deliveryId },
    });
    return notifyEndpointDisabled(tx, endpoint, reason, at);
  });
  await sendOperatorEvents([notice]);
}

/**
 * Called when the function gives up (onFailure): the deliveries are failed, never left pending.
 * Only those still of the generation the run was sent (`generations`, as in attemptDeliveries):
 * a delivery handed to a newer run meanwhile is that run's to finish.
 */
export async function markDeliveriesFailed(deliveryIds: string[], message: string, generations?: Map<string, number | null>): Promise<void> {
  const failed = await sql<{ id: string }>(
    `UPDATE "Delivery" d SET "status" = 'failed', "lastError" = $2, "completedAt" = $3::timestamp, "nextAttemptAt" = NULL, "updatedAt" = $3::timestamp
     FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "checked" boolean, "gen" timestamp)
     WHERE d."id" = x."id" AND d."status" = 'pending' AND (NOT x."checked" OR d."releasedAt" IS NOT DISTINCT FROM x."gen")
     RETURNING d."id"`,
    [
      JSON.stringify(
        [...new Set(deliveryIds)].map((id) => {
          const gen = generations?.get(id);
          return { id, checked: gen !== undefined, gen: gen == null ? null : new Date(gen).toISOString() };
        }),
      ),
      message.slice(0, 2000),
      new Date().toISOString(),
    ],
  );
  // Failed for good, as one failing on its last retry: the same (debounced) notification.
  await noteDeliveriesFailed(failed.map((r) => r.id), message);
}
