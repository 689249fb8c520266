// `npm test`: lint (ESLint, scripts/lint.mjs), unit and integration tests (vitest), then
// end-to-end tests (Playwright), all three always, so one run shows everything that is broken;
// ends with a clear verdict.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { summarize } from "./test-summary.mjs";

const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "test-results");
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
mkdirSync(results, { recursive: true });

function stage(label, file, cmd, args) {
  rmSync(file, { force: true }); // never count a stale report
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  return { label, file, status: r.status ?? 1 };
}

const unitReport = path.join(results, "unit.json");
const lintReport = path.join(results, "lint.json");
const stages = [
  stage("lint", lintReport, process.execPath, [path.join(root, "scripts/lint.mjs"), "--report", lintReport]),
  stage("unit", unitReport, npx, ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${unitReport}`]),
  stage("e2e", path.join(results, "e2e.json"), process.execPath, [path.join(root, "scripts/e2e.mjs")]),
];

// .ci/run reads the stages' own exit statuses from here (npm test only returns one).
writeFileSync(path.join(results, "npm-test.json"), JSON.stringify(Object.fromEntries(stages.map((s) => [s.label, s.status]))));

const { passed, failed, lines } = summarize(stages);
console.log("\n=== npm test summary ===");
for (const l of lines) console.log(l);
console.log(`npm test: ${failed ? "FAILED" : "PASSED"} (${passed} passed, ${failed} failed)`);
process.exit(failed ? 1 : 0);
