// Runs once before the PostgreSQL suite: fails fast with a clear message when the server is
// unreachable, and drops databases left behind by earlier runs that crashed.
import pg from "pg";
import { TEST_DB_PREFIX, quoteIdent, testPgUrl } from "./pg-target";

// Only databases older than this are stale; a younger one may belong to a run in another shell.
const STALE_AFTER_MS = 60 * 60 * 1000;

export default async function setup(): Promise<void> {
  const url = testPgUrl();
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Cannot reach PostgreSQL at ${url.host} (${(err as Error).message}). ` +
        "Start it (e.g. `pg_ctlcluster 15 main start`) or set GATEHOUSE_TEST_PG_URL.",
    );
  }
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [TEST_DB_PREFIX],
    );
    for (const { datname } of rows) {
      const created = Number.parseInt(datname.slice(TEST_DB_PREFIX.length).split("_")[0] ?? "", 36);
      if (!Number.isFinite(created) || Date.now() - created < STALE_AFTER_MS) continue;
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
