// Per test file: a fresh, uniquely named database on the local PostgreSQL server, pointed to by
// DATABASE_URL before anything imports lib/db, and dropped when the file is done.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { TEST_DB_PREFIX, quoteIdent, testPgUrl, urlForDatabase } from "./pg-target";

const admin = testPgUrl();
// Time first (base 36) so the global setup can tell stale databases from live ones.
const database = `${TEST_DB_PREFIX}${Date.now().toString(36)}_${process.pid}_${randomBytes(4).toString("hex")}`;

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
process.env.DATABASE_URL = urlForDatabase(admin, database);

afterAll(async () => {
  // Close the app's pool first so the drop does not have to force anything in the normal case.
  const { runtime } = await import("@/lib/runtime/runtime");
  const driver = await runtime().db.driver?.catch(() => undefined);
  if (driver?.kind === "pg") await driver.pool.end().catch(() => {});
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
});
