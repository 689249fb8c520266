// Counts passed and failed tests from the JSON reports of vitest, Playwright and ESLint, for `npm test`
// and .ci/run. A stage without a report, or that exited non-zero with no failure in its report,
// crashed: it counts as one failure, so a broken stage can never look green.
//
//   node scripts/test-summary.mjs <label>:<report.json>:<exit status> ...
// Prints one line per stage and, last, exactly `tests: N passed, M failed`; exits 1 on failure.
import { existsSync, readFileSync } from "node:fs";

/** @returns {{ passed: number, failed: number, skipped: number, note?: string }} */
export function countReport(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0, note: "no report" };
  let j;
  try {
    j = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return { passed: 0, failed: 0, skipped: 0, note: "unreadable report" };
  }
  if (j.stats && "expected" in j.stats) {
    // Playwright: a test that needed a retry is flaky, and flaky counts as failed.
    const s = j.stats;
    const failed = (s.unexpected ?? 0) + (s.flaky ?? 0);
    // Errors outside tests (web server did not start, config broken) fail the run on their own.
    const outside = failed === 0 && Array.isArray(j.errors) ? j.errors.length : 0;
    return {
      passed: s.expected ?? 0,
      failed: failed + outside,
      skipped: s.skipped ?? 0,
      note: [s.flaky ? `${s.flaky} flaky` : "", outside ? `${outside} error(s) outside tests` : ""].filter(Boolean).join(", ") || undefined,
    };
  }
  if ("numPassedTests" in j) {
    // Vitest: a file that failed to load has no failed test of its own but is a failure.
    const broken = (j.testResults ?? []).filter(
      (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    let failed = (j.numFailedTests ?? 0) + broken;
    if (j.success === false && failed === 0) failed = 1; // e.g. an unhandled error between tests
    return {
      passed: j.numPassedTests ?? 0,
      failed,
      skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
      note: broken ? `${broken} file(s) failed to run` : undefined,
    };
  }
  if (Array.isArray(j)) {
    // ESLint (scripts/lint.mjs): one check over the repository; each file with an error fails.
    const failed = j.filter((f) => f.errorCount > 0).length;
    const errors = j.reduce((n, f) => n + f.errorCount, 0);
    const warnings = j.reduce((n, f) => n + f.warningCount, 0);
    return { passed: failed ? 0 : 1, failed, skipped: 0, note: `${j.length} files, ${errors} error(s), ${warnings} warning(s)` };
  }
  return { passed: 0, failed: 0, skipped: 0, note: "unknown report format" };
}

/** @param {{ label: string, file: string, status: number }[]} stages */
export function summarize(stages) {
  let passed = 0;
  let failed = 0;
  const lines = [];
  for (const { label, file, status } of stages) {
    const c = countReport(file);
    let note = c.note;
    if ((status !== 0 || c.note === "no report" || c.note === "unreadable report") && c.failed === 0) {
      c.failed = 1;
      note = `stage exited with ${status}${note ? `, ${note}` : ""}`;
    }
    passed += c.passed;
    failed += c.failed;
    const verdict = c.failed ? "FAIL" : "ok  ";
    lines.push(`${verdict} ${label.padEnd(6)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${note ? ` (${note})` : ""}`);
  }
  return { passed, failed, lines };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const stages = process.argv.slice(2).map((arg) => {
    const [label, file, status] = arg.split(":");
    return { label, file, status: Number(status ?? 0) };
  });
  const { passed, failed, lines } = summarize(stages);
  for (const l of lines) console.log(l);
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
