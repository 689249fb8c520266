// Applies prisma/migrations in order, with Prisma's own bookkeeping table, so that
// `prisma migrate status` / `migrate deploy` (for users with the internet) agree with us.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RawSql } from "@/lib/db/driver";
import { log } from "@/lib/observability/log";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function migrationsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}

export function listMigrations(dir = migrationsDir()): { name: string; sql: string; checksum: string }[] {
  if (!existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies pending migrations; returns the names applied. Safe to call on every start. */
export async function migrate(sql: RawSql, dir = migrationsDir()): Promise<string[]> {
  await sql.exec(MIGRATIONS_TABLE);
  // One migrator at a time, also across processes on PostgreSQL.
  await sql.exec("SELECT pg_advisory_lock(72707369)");
  try {
    const done = await sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const byName = new Map(done.map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of listMigrations(dir)) {
      const prior = byName.get(m.name);
      if (prior?.finished_at) {
        if (prior.checksum !== m.checksum) {
          log.warn({ migration: m.name }, "migration was changed after it was applied");
        }
        continue;
      }
      if (prior) throw new Error(`Migration ${m.name} failed earlier; resolve it before starting again.`);
      const id = randomUUID();
      await sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
        [id, m.checksum, m.name],
      );
      try {
        await sql.exec(`BEGIN;\n${m.sql}\nCOMMIT;`);
      } catch (err) {
        await sql.exec("ROLLBACK").catch(() => {});
        await sql.query(`DELETE FROM "_prisma_migrations" WHERE id = $1`, [id]);
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      await sql.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      applied.push(m.name);
    }
    return applied;
  } finally {
    await sql.exec("SELECT pg_advisory_unlock(72707369)");
  }
}
