// The migrations must produce exactly the schema in prisma/schema: otherwise a model change
// shipped without its migration and production databases would not match the Prisma client.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ensureDatabase } from "@/lib/db/client";
import { rawSql } from "@/lib/db/driver";
import { listMigrations } from "@/lib/db/migrate";

const run = promisify(execFile);

// Prisma's schema engine is WebAssembly imported as an ES module, which needs a node flag
// vitest's workers do not have; so the diff runs in a child node.
const SCRIPT = `
const { schemaDiff } = await import(${JSON.stringify(new URL("../scripts/schema-diff.mjs", import.meta.url).href)});
const result = await schemaDiff(process.cwd());
process.stdout.write("\\n__RESULT__" + JSON.stringify(result) + "\\n");
`;

async function diff(): Promise<{ exitCode: number; sql: string }> {
  const { stdout } = await run(
    process.execPath,
    ["--experimental-wasm-modules", "--no-warnings", "--input-type=module", "-e", SCRIPT],
    { cwd: process.cwd(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("__RESULT__"));
  if (!line) throw new Error(`schema-diff printed no result:\n${stdout}`);
  return JSON.parse(line.slice("__RESULT__".length));
}

// The diff never touches DATABASE_URL (its shadow database is PGlite): once per CI run is enough.
const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

describe("schema drift", () => {
  it.skipIf(onPostgres)("the migrations produce exactly prisma/schema (run `npm run db:diff -- <name>` if not)", async () => {
    const result = await diff();
    // An agreeing diff still prints "-- This is an empty migration."; only statements count.
    const statements = result.sql.replace(/^\s*--.*$/gm, "").trim();
    expect(statements, "missing migration:\n" + result.sql).toBe("");
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it("the migrations apply cleanly to a fresh database", async () => {
    const sql = rawSql(await ensureDatabase());
    const rows = await sql.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(listMigrations().map((m) => m.name));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });
});
