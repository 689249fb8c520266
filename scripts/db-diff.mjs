// npm run db:diff -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that brings the migrations up to prisma/schema/, as `prisma migrate dev` would.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { schemaDiff } from "./schema-diff.mjs";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
const { exitCode, sql } = await schemaDiff();
if (exitCode === 0 || !sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  console.log("No changes: prisma/schema/ and prisma/migrations agree.");
  process.exit(0);
}
if (!name) {
  console.log(sql);
  console.error("Schema and migrations differ. Run `npm run db:diff -- <name>` to write this migration.");
  process.exit(2);
}
const d = new Date();
const p = (n) => String(n).padStart(2, "0");
const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
const dir = path.join("prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql`);
