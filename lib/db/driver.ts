// The raw connection behind Prisma: PGlite (embedded, in-process) or a pg Pool (PostgreSQL).
// Held by the process's runtime (lib/runtime/runtime.ts): Next.js bundles instrumentation and
// routes separately, and an embedded database must have exactly one owner per process.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
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
    // A connection that cannot be made within the timeout fails the query (503 to the caller)
    // instead of queueing it for as long as PostgreSQL stays away; the same bound applies to a
    // request waiting for a free pooled connection.
    const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: env().GATEHOUSE_DB_CONNECT_TIMEOUT_MS });
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

/** Runs `fn` on one connection (a pool would spread a lock and its transaction across several). */
export async function withRawSql<T>(d: Driver, fn: (sql: RawSql) => Promise<T>): Promise<T> {
  if (d.kind === "pglite") return fn(rawSql(d));
  const client = await d.pool.connect();
  try {
    return await fn({
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    });
  } finally {
    client.release();
  }
}

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
