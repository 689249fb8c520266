// The one Prisma client, on PGlite or PostgreSQL through a driver adapter. `db` is usable
// immediately; the first query waits until the database is open and migrated.
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getDriver, rawSql, type Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";

type G = { __gatehousePrisma?: PrismaClient; __gatehouseReady?: Promise<Driver> };
const g = globalThis as unknown as G;

/** Opens the database and applies pending migrations (once per process). */
export function ensureDatabase(): Promise<Driver> {
  g.__gatehouseReady ??= (async () => {
    const driver = await getDriver();
    await migrate(rawSql(driver));
    return driver;
  })();
  return g.__gatehouseReady;
}

async function createClient(): Promise<PrismaClient> {
  const driver = await ensureDatabase();
  if (driver.kind === "pglite") {
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    return new PrismaClient({ adapter: new PrismaPGlite(driver.pglite) });
  }
  const { PrismaPg } = await import("@prisma/adapter-pg");
  return new PrismaClient({ adapter: new PrismaPg(driver.pool) });
}

let pending: Promise<PrismaClient> | undefined;

/** The Prisma client, once the database is ready. */
export async function getDb(): Promise<PrismaClient> {
  if (g.__gatehousePrisma) return g.__gatehousePrisma;
  pending ??= createClient().then((c) => (g.__gatehousePrisma = c));
  return pending;
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
