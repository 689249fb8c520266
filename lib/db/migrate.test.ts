import { describe, expect, it } from "vitest";
import { getDb, ensureDatabase } from "@/lib/db/client";
import { rawSql } from "@/lib/db/driver";
import { listMigrations, migrate } from "@/lib/db/migrate";

describe("migrator", () => {
  it("applies every migration once and records it like Prisma does", async () => {
    const driver = await ensureDatabase();
    const sql = rawSql(driver);
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(listMigrations().map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(listMigrations().map((m) => m.checksum));
    expect(await migrate(sql)).toEqual([]); // second run applies nothing
    const db = await getDb();
    const org = await db.organization.create({ data: { name: "Acme" } });
    expect(await db.organization.count()).toBe(1);
    expect(org.name).toBe("Acme");
  });
});
