// The composition root: one typed object per process that owns what the process holds for its
// lifetime, instead of a globalThis hoist per module. A process evaluates lib/ more than once
// (Next.js bundles its instrumentation and its routes apart, and `npm start`'s lean layer loads
// its own copy), and every copy must find the same database connection and the same caches, so
// the object itself is the process's one globalThis slot (`Symbol.for`, shared by every copy).
//
// Each piece says in its type what it is: `PerProcess` (this process's own: a connection pool, a
// cache that only speeds things up and is invalidated across processes by LISTEN/NOTIFY) or
// `Shared` (agrees across every process on the database: kept in PostgreSQL, and here only the
// handle to it). Nothing `PerProcess` may decide something another process must agree with.
//
// What lives here: the map of what is shared and where (`shared`); the database (driver,
// readiness, Prisma client, raw runner, prepared statement names, the group-commit batchers and
// read loaders); the token cache; this process's slices of the rate limits; the server's port; the
// delivery dispatcher; the URL policy's test override; the id clock; the secrets generated for
// memory:// databases; event ingestion's caches; and the embedded executor (the executor-or-Inngest
// mode, its URL, keys, the running engine, the in-process handlers). No `process.env` write
// carries state at run time (lib/runtime/no-env-writes.test.ts).
//
// Created on first use (`runtime()`): by server.ts's start-up in `npm start`, then found by Next's
// instrumentation and route bundles; by the first query in a test. `createRuntime()` makes an
// unconnected one.
//
// What may stay at module level: constants, and values memoized from constants (env(), a compiled
// schema, a derived key): a second copy of the module computes the same value. Anything that
// counts, queues, registers or remembers what happened goes here (lib/runtime/no-module-state.test.ts).
// lib/deliveries/*'s send slots, agents, sends in flight and batched statements are `deliveries`.
import type { AsyncLocalStorage } from "node:async_hooks";
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { FoundToken, OAuthClient } from "@/lib/credentials/oauth-types";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { FilterCache } from "@/lib/webhooks/payload-filter";
import type { OrgInFlight } from "@/lib/events/in-flight-bytes";
import type { DeliverySendsState } from "@/lib/deliveries/send-state";

/** This process's own: lost with it, never consulted by another process. */
export type PerProcess<T extends object> = T & { readonly scope: "per-process" };
/** Agrees across every process on the database (its state lives in PostgreSQL). */
export type Shared<T extends object> = T & { readonly scope: "shared" };

export type Driver =
  | { kind: "pglite"; pglite: PGlite; location: string }
  | { kind: "pg"; pool: Pool; location: string };

export type DatabaseState = {
  /** The raw connection, opened on first use (lib/db/driver.ts). */
  driver?: Promise<Driver>;
  /** The connection once migrated (lib/db/client.ts); cleared again when opening fails. */
  ready?: Promise<Driver>;
  /** The one Prisma client. */
  prisma?: PrismaClient;
  /** Prepared statement name → its text: one name stands for one text on every pooled connection. */
  preparedTexts: Map<string, string>;
  /** The raw SQL runner over the open driver (lib/db/sql.ts), and its opening. */
  raw?: { query<T>(sql: string, params?: unknown[], name?: string): Promise<T[]>; exec(sql: string): Promise<void> };
  rawOpening?: Promise<NonNullable<DatabaseState["raw"]>>;
  /** Group commits and read coalescing (lib/db/sql.ts processBatcher/processLoader), by name. */
  batchers: Map<string, { fn: unknown; run: unknown }>;
};

/** What the token cache needs of the LISTEN/NOTIFY listener (lib/db/invalidation.ts). */
export type CacheInvalidation = {
  live(): boolean;
  announce(topic: string): Promise<void>;
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
};

export type TokenCacheState = {
  /** Bumped by every forget: an entry read before it is never remembered after it. */
  epoch: number;
  entries: Map<string, { token: FoundToken; until: number; epoch: number }>;
  clients: Map<string, { client: OAuthClient; until: number; epoch: number }>;
  listener?: CacheInvalidation;
};

export type ServerState = {
  /** The port `npm start`'s server listens on, once it listens (0 asked for any free port). */
  port?: number;
};

// ── Rate limits (issue 17 items 1-2) ──────────────────────────────────────────────────────────

/** A slice of a shared limit this process took from PostgreSQL and spends in memory (lib/api/rate-limit.ts). */
export type RateLimitLease = {
  resetAt: number;
  /** Units this process holds and has not spent. */
  left: number;
  /** The shared count as of this process's last slice (every slice handed out, ours included). */
  total: number;
  /** The last slice came back short: the window's quota is gone. */
  exhausted: boolean;
  /** Units wanted by the requests waiting for the next slice. */
  demand: number;
  pending?: Promise<void>;
};

export type RateLimitState = {
  /** Limit key → this process's current slice. The counts themselves are shared, in PostgreSQL. */
  leases: Map<string, RateLimitLease>;
};

// ── Token exchanges (lib/credentials/quota-lease.ts, exchange-records.ts) ───────────────────────

/** A slice of a credential's issuance quota this process reserved in CredentialIssuance and spends in memory. */
export type QuotaLease = {
  /** The UTC hour (ms since the epoch ÷ 3,600,000) the slice belongs to. */
  hour: number;
  left: number;
  /** Exchanges waiting for the next slice. */
  demand: number;
  /** The last slice came back short: refused until then (ms since the epoch), as which limit. */
  refused?: { until: number; which: "hour" | "day"; limit: number };
  pending?: Promise<void>;
};

/** A secret-use bucket (credential, secret or key, address, ten minutes) this process has written. */
export type UseEntry = {
  credentialId: string;
  tag: string;
  ip: string;
  bucket: number;
  /** Exchanges counted here and not yet written. */
  pending: number;
  lastUsedAt: number;
  /** The first exchange's write, which every exchange of the bucket waits for until it commits. */
  first?: Promise<void>;
};

/** A token row to write behind the answer (the token is valid without it: signed-token.ts). */
export type TokenRowPending = { id: string; credentialId: string; tokenHash: string; scopes: string; expiresAt: string; createdAt: string };

export type ExchangeState = {
  /** "credential id|per hour|per day" → this process's slice of that quota. */
  quotaLeases: Map<string, QuotaLease>;
  /** Secret-use buckets known to be in the database, with the counts still to add. */
  uses: Map<string, UseEntry>;
  tokens: TokenRowPending[];
  /** Failed writes in a row (the next try waits longer). */
  failures: number;
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
};

// ── Events, deliveries' hand-off, webhook URLs, generated secrets (issue 17 item 1) ──────────────

/**
 * A delivery to send: its id, or (when the caller knows it, e.g. ingestion) the id with its
 * endpoint, which spares the dispatcher a lookup (lib/events/dispatch.ts). Only for deliveries
 * never released from hold (a released one's event id includes its release time, which the
 * dispatcher looks up).
 */
export type DeliveryRef = string | { id: string; endpointId: string; orgId: string };
export type DeliveryDispatcher = (deliveries: DeliveryRef[]) => Promise<void>;

export type DispatchState = {
  /** What sends committed deliveries (one Inngest event each), installed at start-up. */
  dispatcher?: DeliveryDispatcher;
};

export type UrlPolicyState = {
  /** Tests only: overrides GATEHOUSE_ALLOW_PRIVATE_URLS (lib/webhooks/url-policy.ts). */
  allowPrivateUrls?: boolean;
};

export type IdClockState = {
  /** The millisecond and counter of the last time-ordered id (lib/webhooks/ids.ts). */
  lastTime: number;
  lastRand: bigint;
};

export type SecretsState = {
  /** On a memory:// database (tests): the secrets generated for this process, by file name. */
  generated: Map<string, string>;
};

export type EventIngestState = {
  /** Deliveries each kind of event needed last time (ids are made before the statement runs). */
  deliveriesLastTime: Map<string, number>;
  /** Each (org, environment)'s endpoint filters as last seen (the statement re-checks them). */
  knownFilters: Map<string, Map<string, string>>;
  /** Compiled filters by text. */
  compiledFilters?: FilterCache;
  /**
   * Each org's event bytes pending delivery as last measured in PostgreSQL, plus what this process
   * accepted since (lib/events/in-flight-bytes.ts): only a speed-up; refusals re-measure.
   */
  inFlight: Map<string, OrgInFlight>;
};

// ── The executor-or-Inngest mode and the embedded executor (issue 17 item 1) ───────────────────

/** A fetch-style handler answering in-process (inngest/engine/in-process.ts). */
export type FetchHandler = (request: Request) => Promise<Response>;

export type ExecutorState = {
  /** "embedded" when no Inngest server is configured; decided from the environment once. */
  mode?: "embedded" | "inngest";
  /** The embedded executor's origin once it listens (inngest/start-engine.ts). */
  url?: string;
  /** The keys the embedded executor and the app's serve endpoint share (from the environment, or generated once). */
  keys?: { signingKey: string; eventKey: string };
  /** The running engine (its type is inngest/start-engine.ts's Engine). */
  engine?: Promise<unknown>;
  /** URL prefix → handler, for requests between the executor and the app without a socket. */
  inProcess: Map<string, FetchHandler>;
  /** The abort signal of the serve call being handled. */
  callSignal?: AsyncLocalStorage<AbortSignal>;
};

// ── What every process agrees on (issue 17 item 2) ───────────────────────────────────────────

/**
 * Where each piece of state that must agree across processes lives: in PostgreSQL, never in a
 * process's memory (the runtime holds no copy, only this map of it; runtime.test.ts checks that
 * each table and channel exists).
 */
export type SharedState = {
  /** API, token-endpoint and inbound rate limits: atomic counters per window (lib/api/rate-limit.ts). */
  rateLimits: { table: "RateLimitCounter" };
  /** Sign-in attempts per account and address (lib/auth). */
  signInThrottle: { table: "SignInThrottle" };
  /** Each endpoint's in-flight cap and send rate, counted across processes (lib/deliveries). */
  endpointThrottle: { table: "EndpointThrottle" };
  /** The embedded executor's runs (claimed with leases), events, crons and synced functions. */
  executor: { tables: readonly ["EngineRun", "EngineEvent", "EngineCron", "EngineFunction"] };
  /** Revocations and secret changes, announced to every process's cache (lib/db/invalidation.ts). */
  cacheInvalidation: { channel: "gatehouse_invalidate" };
};

const SHARED: Shared<SharedState> = {
  scope: "shared",
  rateLimits: { table: "RateLimitCounter" },
  signInThrottle: { table: "SignInThrottle" },
  endpointThrottle: { table: "EndpointThrottle" },
  executor: { tables: ["EngineRun", "EngineEvent", "EngineCron", "EngineFunction"] },
  cacheInvalidation: { channel: "gatehouse_invalidate" },
};

// ── Deliveries (lib/deliveries) ───────────────────────────────────────────────────────────────
// The send slots, keep-alive agents and sends in flight of lib/deliveries (per process; the limits
// they serve are counted across processes in EndpointThrottle: `shared.endpointThrottle`), and its
// batched statements.
export type { DeliverySendsState };


export type Runtime = {
  /** What must agree across processes, and where it is kept (PostgreSQL). */
  shared: Shared<SharedState>;
  /** The HTTP server of `npm start`, as start-up (in Next.js's graph) needs to know it. */
  server: PerProcess<ServerState>;
  /** The database connection and client: this process's pool (or its embedded PGlite). */
  db: PerProcess<DatabaseState>;
  /** Valid tokens and credentials remembered for ≤ 1 s; dropped on every process by NOTIFY. */
  tokens: PerProcess<TokenCacheState>;
  /** This process's slices of the rate limits, whose counts are shared in PostgreSQL. */
  limits: PerProcess<RateLimitState>;
  /** Token exchanges: slices of issuance quotas (counted in PostgreSQL), and the rows and
   * secret-use counts still to write behind the answers (each bucket's first use is written before). */
  exchanges: PerProcess<ExchangeState>;
  /** The hand-off from committed deliveries to the engine that sends them. */
  dispatch: PerProcess<DispatchState>;
  /** The test override of where webhooks may go. */
  urlPolicy: PerProcess<UrlPolicyState>;
  /** Keeps the time-ordered ids this process makes in order. */
  ids: PerProcess<IdClockState>;
  /** Secrets generated for a memory:// database (a file in the data directory otherwise). */
  secrets: PerProcess<SecretsState>;
  /** Ingestion's guesses and compiled filters: only speed-ups, the statement checks them. */
  events: PerProcess<EventIngestState>;
  /** This process's embedded executor, or the note that an Inngest server does the work. Its runs,
   * leases and limits are in PostgreSQL (shared); what is here is this process's own. */
  executor: PerProcess<ExecutorState>;
  /** This process's sends: slots, keep-alive agents, bodies held, sends to cancel, batched statements. */
  deliveries: PerProcess<DeliverySendsState>;
};

export function createRuntime(): Runtime {
  return {
    shared: SHARED,
    server: { scope: "per-process" },
    db: { scope: "per-process", preparedTexts: new Map(), batchers: new Map() },
    tokens: { scope: "per-process", epoch: 0, entries: new Map(), clients: new Map() },
    limits: { scope: "per-process", leases: new Map() },
    exchanges: { scope: "per-process", quotaLeases: new Map(), uses: new Map(), tokens: [], failures: 0 },
    dispatch: { scope: "per-process" },
    urlPolicy: { scope: "per-process" },
    ids: { scope: "per-process", lastTime: 0, lastRand: 0n },
    secrets: { scope: "per-process", generated: new Map() },
    events: { scope: "per-process", deliveriesLastTime: new Map(), knownFilters: new Map(), inFlight: new Map() },
    executor: { scope: "per-process", inProcess: new Map() },
    deliveries: { scope: "per-process", slots: new Map(), agents: new Map(), inFlight: new Map(), batchers: {}, releases: { waiting: [], timer: null } },
  };
}

const SLOT = Symbol.for("gatehouse.runtime");

/** The process's runtime, created on first use (by server.ts's start-up, or a test's first query). */
export function runtime(): Runtime {
  const g = globalThis as { [SLOT]?: Runtime };
  return (g[SLOT] ??= createRuntime());
}
