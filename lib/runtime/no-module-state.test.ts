// No process-wide mutable state outside the composition root (issue 17 item 1): a module-level
// `let`, Map, Set, array, batcher or globalThis slot in lib/, inngest/ or app/ is one copy per
// module graph (Next.js bundles instrumentation and routes apart, the lean layer loads its own),
// so two copies silently disagree. What a process holds lives in lib/runtime/runtime.ts; what
// every process must agree on lives in PostgreSQL. The exceptions are listed with their reason;
// a new one fails this test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** file: the offending line (trimmed) → why it may stay. */
const KNOWN: Record<string, string> = {
  // The composition root itself: the process's one globalThis slot.
  "lib/runtime/runtime.ts: const g = globalThis as { [SLOT]?: Runtime };": "the runtime's own slot",
  // Next.js's global, installed as Next.js would before a route module loads: not our state.
  "lib/http/gatehouse-server.ts: (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;": "Next.js's global",
  // Values memoized from constants: a second copy computes the same value.
  "lib/env.ts: let cached: Env | undefined;": "parsed process.env, read-only",
  "lib/crypto/encryption.ts: let cachedKey: Buffer | undefined;": "derived from the configured key",
  "lib/credentials/signed-token.ts: let key: Buffer | undefined;": "derived from the configured key",
  "lib/auth/password.ts: let dummy: Promise<string> | undefined;": "a constant hash for timing-equal refusals",
  "lib/validations/passwords.ts: let estimator: ZxcvbnFactory | undefined;": "a loaded dictionary",
  "lib/api/openapi.ts: let cached: ReturnType<typeof createDocument> | undefined;": "the document built from constant schemas",
  "lib/events/payload-schema.ts: const patterns = new Map<string, RE2JS>();": "compiled regular expressions by source",
  "lib/events/payload-schema.ts: const cache = new Map<string, ValidateFunction>();": "compiled schemas by text",
  "inngest/engine/expression.ts: const parsed = new Map<string, Node>();": "parsed expressions by source",
  // The embedded executor's run ids: the engine is started once per process, from one module graph.
  "inngest/engine/ulid.ts: let lastTime = -1;": "the engine's id clock (one engine per process)",
  "inngest/engine/ulid.ts: let lastRandom: number[] = [];": "the engine's id clock (one engine per process)",
};

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : files(rel);
    return /\.(ts|tsx|mjs)$/.test(e.name) && !/\.test\.|testing/.test(e.name) ? [rel] : [];
  });
}

const MUTABLE_TOP_LEVEL = [
  /^let /,
  // An empty collection to fill (a literal lookup table, `new Set(["GET", …])`, is a constant).
  /^(export )?const \w+(: [^=]+)? = (new (Map|Set|WeakMap|Array)(<.*>)?\(\)|\[\]|createBatcher\b|createLoader\b)/,
];

export function moduleState(text: string, file: string): string[] {
  const found: string[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("//") || trimmed.startsWith("*")) continue;
    if (/\bglobalThis\b/.test(line) || MUTABLE_TOP_LEVEL.some((re) => re.test(line))) found.push(`${file}: ${trimmed}`);
  }
  return found;
}

describe("module-level state", () => {
  it("is only in the runtime (lib/runtime/runtime.ts), or listed here with its reason", () => {
    const found = [...files("lib"), ...files("inngest"), ...files("app")]
      .flatMap((f) => moduleState(readFileSync(path.join(root, f), "utf8"), f));
    expect(found.filter((l) => !(l in KNOWN))).toEqual([]);
  });

  it("the scan finds what it looks for (so the test above can fail)", () => {
    expect(moduleState("const g = globalThis as G;\nlet n = 0;\nconst m = new Map<string, number>();\nconst b = createBatcher(write);\nconst q: string[] = [];", "x.ts")).toHaveLength(5);
    expect(moduleState("const N = 5;\n  let inner = 0;\nconst x = processBatcher(\"a\", write);", "x.ts")).toEqual([]);
  });
});
