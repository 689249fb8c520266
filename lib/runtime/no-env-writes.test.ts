// No process.env writes at run time (issue 17 item 1): what one part of the process must tell
// another goes through the runtime (lib/runtime/runtime.ts), not through the environment.
// The writes left are listed with their reason; a new one fails this test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
// None left: the executor's URL and keys are held by the runtime (inngest/engine/embedded-config.ts
// reads it; the engine may import lib/runtime as well as lib/db).
const KNOWN = new Set<string>([]);

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : files(rel);
    return /\.(ts|tsx|mjs)$/.test(e.name) && !/\.test\.|testing/.test(e.name) ? [rel] : [];
  });
}

describe("run-time code", () => {
  it("does not write process.env (NODE_ENV's default in server.ts aside: it is set before anything loads)", () => {
    const writes: string[] = [];
    for (const f of [...files("lib"), ...files("inngest"), "start-up.ts", "instrumentation.ts"]) {
      const text = readFileSync(path.join(root, f), "utf8");
      for (const m of text.matchAll(/process\.env(?:\.[A-Z_]+|\[[^\]]+\])\s*(?:\?\?=|\|\|=|=(?!=))[^;\n]*/g)) writes.push(`${f}: ${m[0].trim()}`);
      for (const m of text.matchAll(/delete process\.env[^;\n]*/g)) writes.push(`${f}: ${m[0].trim()}`);
    }
    expect(writes.filter((w) => !KNOWN.has(w))).toEqual([]);
  });
});
