// Runs only under `npm run test:pg`: proves the suite really is on PostgreSQL, on the fresh
// database tests/pg-setup.ts made for this file, with every migration applied.
import { describe, expect, it } from "vitest";
import { ensureDatabase, getDb } from "@/lib/db/client";
import { rawSql } from "@/lib/db/driver";
import { listMigrations } from "@/lib/db/migrate";

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

describe.skipIf(!onPostgres)("PostgreSQL driver", () => {
  it("connects to this file's own database and applies every migration", async () => {
    const driver = await ensureDatabase();
    expect(driver.kind).toBe("pg");
    const sql = rawSql(driver);
    const [{ db }] = await sql.query<{ db: string }>("SELECT current_database() AS db");
    expect(db).toBe(new URL(process.env.DATABASE_URL!).pathname.slice(1));
    expect(db).toMatch(/^gatehouse_test_/);
    const rows = await sql.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(listMigrations().map((m) => m.name));
  });

  it("round-trips a row through Prisma over the pg adapter", async () => {
    const db = await getDb();
    const org = await db.organization.create({ data: { name: "Acme on Postgres" } });
    expect(await db.organization.findUnique({ where: { id: org.id } })).toMatchObject({ name: "Acme on Postgres" });
  });
});
