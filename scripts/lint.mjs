// `npm run lint`: ESLint over the repository with eslint.config.mjs (Next.js's rules,
// typescript-eslint, the layering of app/, components/, inngest/ and lib/, no import cycles).
// Exits 1 on any error; warnings are printed but pass. `npm run lint -- --fix` applies fixes.
// With `--report <file>` (npm test) it also writes the results as ESLint's JSON for the summary.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const fix = args.includes("--fix");
const reportAt = args.indexOf("--report");
const report = reportAt >= 0 ? args[reportAt + 1] : undefined;

// The cache only skips files unchanged since the last run on this machine; CI starts without it.
const eslint = new ESLint({ cwd: root, fix, cache: true, cacheLocation: path.join(root, "node_modules/.cache/eslint/") });
const results = await eslint.lintFiles(["."]);
if (fix) await ESLint.outputFixes(results);
const text = await (await eslint.loadFormatter("stylish")).format(results);
if (text) console.log(text);
if (report) {
  const slim = results.map(({ filePath, errorCount, warningCount, messages }) => ({ filePath, errorCount, warningCount, messages }));
  writeFileSync(report, JSON.stringify(slim));
}
const errors = results.reduce((n, r) => n + r.errorCount, 0);
console.log(`lint: ${results.length} files, ${errors} error(s), ${results.reduce((n, r) => n + r.warningCount, 0)} warning(s)`);
process.exit(errors ? 1 : 0);
