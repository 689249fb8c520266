// The raw connection behind Prisma: PGlite (embedded, in-process) or a pg Pool (PostgreSQL).
// Held by the process's runtime (lib/runtime/runtime.ts): Next.js bundles instrumentation and
// routes separately, and an embedded database must have exactly one owner per process.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PoolConfig } from "pg";
import { env, type Env } from "@/lib/env";
import { runtime, type Driver } from "@/lib/runtime/runtime";

export type { Driver };

/** Runs SQL that may hold several statements, and parameterised single queries. */
export interface RawSql {
  exec(sql: string): Promise<void>;
  /**
   * `name` (PostgreSQL only) makes it a prepared statement: parsed once per connection, and
   * planned once when PostgreSQL settles on a generic plan. Only for fixed query texts: one
   * name must always go with the same text.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
}

export function getDriver(): Promise<Driver> {
  const db = runtime().db;
  return (db.driver ??= openDriver());
}

async function openDriver(): Promise<Driver> {
  const url = env().DATABASE_URL;
  if (url && url.startsWith("postgres")) {
    const { Pool } = await import("pg");
    const pool = new Pool(pgPoolConfig(url, env()));
    pool.on("error", () => {}); // idle-client errors surface on the next query instead
    return { kind: "pg", pool, location: redact(url) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  if (url?.startsWith("memory://")) {
    const pglite = await PGlite.create();
    return { kind: "pglite", pglite, location: "memory://" };
  }
  const dir = path.resolve(env().GATEHOUSE_DATA_DIR, "pglite");
  mkdirSync(dir, { recursive: true }); // PGlite does not create missing parents
  const pglite = await PGlite.create(dir);
  return { kind: "pglite", pglite, location: dir };
}

/**
 * The pool's settings. Every wait is bounded, so no request hangs on the database:
 * - a connection that cannot be made in time (GATEHOUSE_DB_CONNECT_TIMEOUT_MS) fails the query
 *   (503 to the caller) instead of queueing it while PostgreSQL stays away; the same bound
 *   applies to a request waiting for a free pooled connection;
 * - a statement running longer than GATEHOUSE_DB_STATEMENT_TIMEOUT_MS (a lock it waits for, a
 *   plan gone wrong) is cancelled by PostgreSQL itself (`statement_timeout`, SQLSTATE 57014: 503);
 * - and a query whose answer never comes (the network dropped it silently) is given up by the
 *   client a little later (`query_timeout`), the connection discarded.
 * 0 turns the statement timeout (and the client's) off. Migrations lift it for their session.
 */
export function pgPoolConfig(url: string, e: Pick<Env, "GATEHOUSE_DB_CONNECT_TIMEOUT_MS" | "GATEHOUSE_DB_STATEMENT_TIMEOUT_MS">): PoolConfig {
  const statement = e.GATEHOUSE_DB_STATEMENT_TIMEOUT_MS;
  return {
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: e.GATEHOUSE_DB_CONNECT_TIMEOUT_MS,
    ...(statement > 0 ? { statement_timeout: statement, query_timeout: statement + QUERY_TIMEOUT_MARGIN_MS } : {}),
  };
}

/** How much longer than the server's statement timeout the client waits for an answer. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

/**
 * Runs `fn` on one connection (a pool would spread a lock and its transaction across several).
 * `unbounded`: no statement timeout on it (migrations: an index build may take its time, and a
 * second process waits on the migration lock); the connection is closed afterwards, so nothing
 * of that session goes back into the pool.
 */
export async function withRawSql<T>(d: Driver, fn: (sql: RawSql) => Promise<T>, opts: { unbounded?: boolean } = {}): Promise<T> {
  if (d.kind === "pglite") return fn(rawSql(d));
  const client = await d.pool.connect();
  // The client gives up on a query after the pool's query_timeout unless the query says otherwise.
  const limit = opts.unbounded ? { query_timeout: MAX_TIMER_MS } : {};
  let discard = opts.unbounded === true;
  try {
    if (opts.unbounded) await client.query({ text: "SET statement_timeout = 0", ...limit });
    return await fn({
      exec: async (sql) => {
        await client.query({ text: sql, ...limit });
      },
      query: async (sql, params) => (await client.query({ text: sql, values: params as unknown[], ...limit })).rows,
    });
  } catch (err) {
    discard = true;
    throw err;
  } finally {
    client.release(discard);
  }
}

/** The longest a Node timer can wait (about 24.8 days): "no timeout" for a single query. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function rawSql(d: Driver): RawSql {
  if (d.kind === "pglite") {
    return {
      exec: async (sql) => {
        await d.pglite.exec(sql);
      },
      query: async (sql, params) => (await d.pglite.query(sql, params as unknown[])).rows as never,
    };
  }
  return {
    exec: async (sql) => {
      await d.pool.query(sql);
    },
    query: async (sql, params, name) =>
      (await (name ? d.pool.query({ name, text: sql, values: params as unknown[] }) : d.pool.query(sql, params as unknown[]))).rows,
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}
