// A process whose first attempt to open the database fails (PostgreSQL away while it starts, or
// lost during the migration) must not stay unready: the next call opens it once it is back.
// The database is reached through a TCP proxy in this test that refuses connections at first.
import { afterAll, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "@/tests/helpers/tcp-proxy";
import { onPostgres, SKIP_REASON } from "@/tests/scale-out/cluster";

describe.skipIf(!onPostgres)(`the database comes back (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, () => {
  let proxy: TcpProxy | undefined;
  afterAll(async () => {
    await proxy?.close();
  });

  it("ensureDatabase() and sql() fail while PostgreSQL refuses, then succeed without a restart", async () => {
    const direct = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.fail("refuse");
    const viaProxy = new URL(direct);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    // Before anything reads the environment (lib/env parses it once).
    process.env.DATABASE_URL = viaProxy.toString();
    const { ensureDatabase } = await import("@/lib/db/client");
    const { sql } = await import("@/lib/db/sql");
    const { isDatabaseUnavailable } = await import("@/lib/api/errors");

    const first = await ensureDatabase().then(() => null, (e: unknown) => e);
    expect(first, "ensureDatabase() while refused").not.toBeNull();
    expect(isDatabaseUnavailable(first)).toBe(true);
    const viaSql = await sql("SELECT 1").then(() => null, (e: unknown) => e);
    expect(isDatabaseUnavailable(viaSql)).toBe(true);

    await proxy.restore();
    const driver = await ensureDatabase();
    expect(driver.kind).toBe("pg");
    expect(await sql<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  }, 60_000);
});
