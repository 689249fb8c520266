// The migration that makes event types per environment keeps every existing type in both
// environments (same name, description, schema and archived state). Runs the migration files on a
// private in-memory PGlite, so it needs no server; the SQL is the same on PostgreSQL.
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { listMigrations } from "@/lib/db/migrate";

const TARGET = "20261204231900_event_type_environment";

describe("migration " + TARGET, () => {
  it("copies each existing event type into test and live", async () => {
    const pg = new PGlite();
    const all = listMigrations();
    const at = all.findIndex((m) => m.name === TARGET);
    expect(at).toBeGreaterThan(0);
    for (const m of all.slice(0, at)) await pg.exec(m.sql);
    await pg.exec(`INSERT INTO "Organization" ("id", "name", "updatedAt") VALUES ('org_1', 'Acme', now())`);
    await pg.exec(`INSERT INTO "EventType" ("id", "orgId", "name", "description", "schema", "archivedAt", "updatedAt")
      VALUES ('et_1', 'org_1', 'payment.captured', 'captured', '{"type":"object"}', NULL, now()),
             ('et_2', 'org_1', 'old.thing', 'old', NULL, now(), now())`);
    for (const m of all.slice(at)) await pg.exec(m.sql);
    const rows = (
      await pg.query<{ id: string; environment: string; name: string; description: string; schema: unknown; archived: boolean }>(
        `SELECT "id", "environment"::text AS environment, "name", "description", "schema", "archivedAt" IS NOT NULL AS archived
           FROM "EventType" ORDER BY "name", "environment"`,
      )
    ).rows;
    // Ordered by name, then environment as text (live before test).
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
      { environment: "live", name: "old.thing", description: "old", schema: null, archived: true },
      { environment: "test", name: "old.thing", description: "old", schema: null, archived: true },
      { environment: "live", name: "payment.captured", description: "captured", schema: { type: "object" }, archived: false },
      { environment: "test", name: "payment.captured", description: "captured", schema: { type: "object" }, archived: false },
    ]);
    expect(rows.find((r) => r.id === "et_1")!.environment).toBe("test");
    await expect(
      pg.exec(`INSERT INTO "EventType" ("id", "orgId", "environment", "name", "description", "updatedAt") VALUES ('x', 'org_1', 'live', 'payment.captured', 'dup', now())`),
    ).rejects.toThrow(/unique/i);
    await pg.close();
  });
});
