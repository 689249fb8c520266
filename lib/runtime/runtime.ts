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
// Moved here so far: the database (driver, readiness, Prisma client, prepared statement names),
// the token cache, and the server's port (written to process.env.PORT at run time before). Still to move (issue 17 item 1): the delivery dispatcher, the send
// slots and agents, the in-process executor registry, the URL policy override, the batchers, and
// the executor's URL (inngest/start-engine.ts still writes GATEHOUSE_EXECUTOR_URL: its reader,
// inngest/engine/embedded-config.ts, may import only lib/db).
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { FoundToken, OAuthClient } from "@/lib/credentials/oauth-types";
import type { PrismaClient } from "@/lib/generated/prisma/client";
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

// ---- Deliveries (lib/deliveries) ----
// Moved here: the send slots, keep-alive agents and sends in flight of lib/deliveries (per process;
// the limits they serve are counted across processes in EndpointThrottle), and its batched statements.
/**
 * The cross-process half of the delivery throttle: each endpoint's requests in flight, start rate
 * and Retry-After pause, kept in the EndpointThrottle table (lib/deliveries/endpoint-throttle.ts).
 * Nothing of it is held here; the type says where the limit lives.
 */
export type DeliveryThrottle = { readonly table: "EndpointThrottle" };
export type { DeliverySendsState };
// ---- end of Deliveries ----

export type Runtime = {
  /** The HTTP server of `npm start`, as start-up (in Next.js's graph) needs to know it. */
  server: PerProcess<ServerState>;
  /** The database connection and client: this process's pool (or its embedded PGlite). */
  db: PerProcess<DatabaseState>;
  /** Valid tokens and credentials remembered for ≤ 1 s; dropped on every process by NOTIFY. */
  tokens: PerProcess<TokenCacheState>;
  /** This process's sends: slots, keep-alive agents, bodies held, sends to cancel, batched statements. */
  deliveries: PerProcess<DeliverySendsState>;
  /** Requests in flight, start rate and pauses per endpoint, counted across every process. */
  deliveryThrottle: Shared<DeliveryThrottle>;
};

export function createRuntime(): Runtime {
  return {
    server: { scope: "per-process" },
    db: { scope: "per-process", preparedTexts: new Map() },
    tokens: { scope: "per-process", epoch: 0, entries: new Map(), clients: new Map() },
    deliveries: { scope: "per-process", slots: new Map(), agents: new Map(), inFlight: new Map(), batchers: {} },
    deliveryThrottle: { scope: "shared", table: "EndpointThrottle" },
  };
}

const SLOT = Symbol.for("gatehouse.runtime");

/** The process's runtime, created on first use (by server.ts's start-up, or a test's first query). */
export function runtime(): Runtime {
  const g = globalThis as { [SLOT]?: Runtime };
  return (g[SLOT] ??= createRuntime());
}
