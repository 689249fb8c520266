// The CI verdict comes from this counting; a mistake here would turn red runs green.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { summarize } from "../scripts/test-summary.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "summary-"));
function report(name: string, body: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
  return file;
}

const vitestOk = { numPassedTests: 7, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0, success: true, testResults: [] };
const pwOk = { stats: { expected: 5, unexpected: 0, flaky: 0, skipped: 2 }, errors: [] };

describe("test summary", () => {
  it("adds up passing reports", () => {
    const r = summarize([
      { label: "unit", file: report("u.json", vitestOk), status: 0 },
      { label: "e2e", file: report("e.json", pwOk), status: 0 },
    ]);
    expect([r.passed, r.failed]).toEqual([12, 0]);
  });

  it("counts flaky Playwright tests and files that failed to load as failures", () => {
    const r = summarize([
      { label: "e2e", file: report("e2.json", { stats: { expected: 3, unexpected: 1, flaky: 2, skipped: 0 } }), status: 1 },
      {
        label: "unit",
        file: report("u2.json", {
          ...vitestOk,
          numFailedTests: 1,
          success: false,
          testResults: [
            { status: "failed", assertionResults: [] },
            { status: "failed", assertionResults: [{ status: "failed" }] },
          ],
        }),
        status: 1,
      },
    ]);
    expect([r.passed, r.failed]).toEqual([10, 5]);
  });

  it("never lets a crashed stage look green", () => {
    const r = summarize([
      { label: "a", file: path.join(dir, "missing.json"), status: 0 },
      { label: "b", file: report("bad.json", "{not json"), status: 1 },
      { label: "c", file: report("c.json", vitestOk), status: 137 },
      { label: "d", file: report("d.json", { stats: { expected: 0, unexpected: 0, flaky: 0, skipped: 9 }, errors: [{ message: "webServer" }] }), status: 1 },
    ]);
    expect(r.failed).toBe(4);
    expect(r.lines.every((l: string) => l.startsWith("FAIL"))).toBe(true);
  });

  it("counts lint as one check that each file with an error fails, warnings passing", () => {
    const clean = [
      { filePath: "/a.ts", errorCount: 0, warningCount: 2, messages: [] },
      { filePath: "/b.ts", errorCount: 0, warningCount: 0, messages: [] },
    ];
    const ok = summarize([{ label: "lint", file: report("l.json", clean), status: 0 }]);
    expect([ok.passed, ok.failed]).toEqual([1, 0]);
    expect(ok.lines[0]).toMatch(/^ok .*2 files, 0 error\(s\), 2 warning\(s\)/);
    const broken = [...clean, { filePath: "/c.ts", errorCount: 3, warningCount: 0, messages: [] }, { filePath: "/d.ts", errorCount: 1, warningCount: 0, messages: [] }];
    const bad = summarize([{ label: "lint", file: report("l2.json", broken), status: 1 }]);
    expect([bad.passed, bad.failed]).toEqual([0, 2]);
    // Exiting non-zero with a clean report (ESLint crashed after writing it) is a failure too.
    expect(summarize([{ label: "lint", file: report("l3.json", clean), status: 2 }]).failed).toBe(1);
  });
});
