// No process.env writes at run time (issue 17 item 1): what one part of the process must tell
// another goes through the runtime (lib/runtime/runtime.ts), not through the environment.
// The writes left are listed with their reason; a new one fails this test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const KNOWN = new Set([
  // The executor's URL: its reader (inngest/engine/embedded-config.ts) may import only lib/db.
  "inngest/start-engine.ts: process.env[EXECUTOR_URL_VAR] = url",
  // The embedded executor's keys, generated once per process and read by the SDK's client and the
  // engine alike: the same reason (inngest/engine may import only lib/db).
  'inngest/engine/embedded-config.ts: process.env[EXECUTOR_SIGNING_KEY_VAR] ||= `signkey-embedded-${randomBytes(32).toString("hex")}`',
  'inngest/engine/embedded-config.ts: process.env[EXECUTOR_EVENT_KEY_VAR] ||= randomBytes(24).toString("hex")',
]);

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
      for (const m of text.matchAll(/delete process\.env[^;\n]*/g)) if (!/EXECUTOR_URL_VAR/.test(m[0])) writes.push(`${f}: ${m[0].trim()}`);
    }
    expect(writes.filter((w) => !KNOWN.has(w))).toEqual([]);
  });
});
