// Diffs prisma/schema/*.prisma against prisma/migrations with Prisma's own schema engine
// (compiled to WebAssembly; the shadow database is an in-memory PGlite). Needs
// `node --experimental-wasm-modules`. Used by `npm run db:diff` and the drift test.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { SchemaEngine } from "@prisma/schema-engine-wasm";

export async function schemaDiff(root = process.cwd()) {
  const schemaDir = path.join(root, "prisma/schema");
  const migrationsDir = path.join(root, "prisma/migrations");
  const files = readdirSync(schemaDir)
    .filter((f) => f.endsWith(".prisma"))
    .sort()
    .map((f) => ({ path: f, content: readFileSync(path.join(schemaDir, f), "utf8") }));
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite()));
  const engine = await SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, () => {}, factory);
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const result = await engine.diff({
    from: {
      tag: "migrations",
      baseDir: migrationsDir,
      lockfile: {
        path: "migration_lock.toml",
        content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : 'provider = "postgresql"\n',
      },
      migrationDirectories: dirs.map((d) => ({
        path: d,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok", value: readFileSync(path.join(migrationsDir, d, "migration.sql"), "utf8") },
        },
      })),
      shadowDbInitScript: "",
    },
    to: { tag: "schemaDatamodel", files },
    script: true,
    exitCode: true,
    filters: { externalTables: [], externalEnums: [] },
  });
  return { exitCode: result.exitCode, sql: result.stdout ?? "" };
}
