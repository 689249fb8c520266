// The one Prisma client, on PGlite or PostgreSQL through a driver adapter. `db` can be
// imported and used at once: its adapter opens and migrates the database on first use.
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getDriver, withRawSql, type Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import { runtime } from "@/lib/runtime/runtime";

/**
 * Opens the database and applies pending migrations (once per process). A failure (PostgreSQL
 * not reachable at start, or gone during the migration) is not remembered: the next call tries
 * again, so a process that started while the database was away becomes ready once it is back.
 */
export function ensureDatabase(): Promise<Driver> {
  const state = runtime().db;
  if (state.ready) return state.ready;
  const opening = (async () => {
    const driver = await getDriver();
    await withRawSql(driver, migrate, { unbounded: true });
    return driver;
  })();
  state.ready = opening;
  opening.catch(() => {
    if (state.ready === opening) state.ready = undefined;
  });
  return opening;
}

// Defers the choice of adapter to the first connection, so `db` needs no await.
const lazyAdapter: SqlDriverAdapterFactory = {
  provider: "postgres",
  adapterName: "gatehouse-lazy",
  async connect() {
    const driver = await ensureDatabase();
    if (driver.kind === "pglite") {
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      return new PrismaPGlite(driver.pglite).connect();
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg(driver.pool).connect();
  },
};

export const db: PrismaClient = (runtime().db.prisma ??= new PrismaClient({ adapter: lazyAdapter }));

/** The Prisma client once the database is open and migrated. */
export async function getDb(): Promise<PrismaClient> {
  await ensureDatabase();
  return db;
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
