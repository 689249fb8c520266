import { afterAll, describe, expect, it } from "vitest";
import { createInvalidationListener, LISTENER_APPLICATION_NAME } from "@/lib/db/invalidation";
import { sql } from "@/lib/db/sql";

const onPg = process.env.DATABASE_URL?.startsWith("postgres") ?? false;
const wait = async (cond: () => boolean, ms = 10_000) => {
  for (const until = Date.now() + ms; !cond() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

describe("cache invalidation across processes (LISTEN/NOTIFY)", () => {
  const got: (string | null)[] = [];
  const a = createInvalidationListener((t) => got.push(t));
  const gotB: (string | null)[] = [];
  const b = createInvalidationListener((t) => gotB.push(t));
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("is live once listening, and every listener hears what one announces", async () => {
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    got.length = 0;
    gotB.length = 0;
    await a.announce("tokens");
    if (!onPg) {
      // One process: nothing is sent; the caller has already forgotten its own entries.
      expect(got).toEqual([]);
      return;
    }
    // announce() resolves once every listener has acknowledged: B has already forgotten, no waiting.
    expect(got).toContain("tokens");
    expect(gotB).toContain("tokens");
  });

  it.skipIf(!onPg)("waits for every listening connection's acknowledgement, each announcement its own", async () => {
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    for (let i = 0; i < 20; i++) {
      gotB.length = 0;
      await Promise.all([a.announce(`t${i}`), b.announce(`u${i}`)]);
      expect(gotB).toEqual(expect.arrayContaining([`t${i}`, `u${i}`]));
    }
    // Acknowledgements are not topics: nobody is told to forget "ack".
    expect(got.some((t) => t?.startsWith("ack"))).toBe(false);
  });

  it.skipIf(!onPg)("stops being live when its connection dies, tells the cache to forget, and reconnects", async () => {
    expect(await b.ready()).toBe(true);
    gotB.length = 0;
    // Kill every LISTEN connection on this database from the server side (as a restart would).
    await sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
      [LISTENER_APPLICATION_NAME],
    );
    expect(await wait(() => !b.live())).toBe(true);
    expect(gotB).toContain(null); // forget everything: notifications may have been missed
    expect(await b.ready()).toBe(true);
    gotB.length = 0;
    await a.ready();
    await a.announce("tokens");
    expect(await wait(() => gotB.includes("tokens"))).toBe(true);
  });
});
