// npm run bench: every benchmark in sequence, each in its own process with its own fresh
// database, with modest defaults. PGlite (default): one freshly migrated database is made first
// and each benchmark starts from a copy of it, because initdb alone takes many seconds here.
// PostgreSQL: DATABASE_URL=postgres://… npm run bench (each benchmark uses an org of its own).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPgliteTemplate } from "./harness";

// Modest defaults so the whole run stays short; any BENCH_* variable set by the caller wins.
const benches: [string, Record<string, string>][] = [
  ["token-endpoint", { BENCH_SECONDS: "4", BENCH_ROUNDS: "4", BENCH_TOKEN_TABLE: "1" }],
  ["api-read", { BENCH_SECONDS: "5" }],
  ["event-ingestion", { BENCH_SECONDS: "5" }],
  ["inbound", { BENCH_SECONDS: "5" }],
  ["fan-out-filters", { BENCH_SECONDS: "4" }],
  ["end-to-end-delivery", { BENCH_EVENTS: "200", BENCH_SECONDS: "10", BENCH_DRAIN_SECONDS: "15" }],
];
// Longer ones (over a minute each) run only when named: npm run bench -- waiting-deliveries
const optIn: [string, Record<string, string>][] = [["waiting-deliveries", {}]];
const only = process.argv.slice(2);

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let templateDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    templateDir = mkdtempSync(path.join(tmpdir(), "gatehouse-bench-template-"));
    const started = Date.now();
    env.BENCH_PGLITE_TEMPLATE = await createPgliteTemplate(templateDir);
    console.log(`PGlite template created and migrated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  let failed = 0;
  try {
    const selected = only.length ? [...benches, ...optIn].filter(([b]) => only.includes(b)) : benches;
    for (const [name, defaults] of selected) {
      const started = Date.now();
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join("bench", `${name}.ts`)], {
        env: { ...defaults, ...env },
        stdio: "inherit",
        timeout: optIn.some(([b]) => b === name) ? 600_000 : 180_000,
      });
      if (r.status !== 0) {
        failed++;
        console.error(`bench/${name}.ts failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`})`);
      }
      console.log(`  (bench/${name}.ts took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    if (templateDir) rmSync(templateDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
