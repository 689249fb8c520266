// `npm start` builds only when the build's inputs changed (scripts/build.mjs), and the e2e stage
// picks a free port itself (e2e/fixtures/port.mjs).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIsCurrent, inputsHash, STAMP } from "../../scripts/build.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const d = mkdtempSync(path.join(tmpdir(), "gatehouse-build-inputs-"));
  dirs.push(d);
  const files: Record<string, string> = {
    "package.json": "{}",
    "package-lock.json": "{}",
    "next.config.ts": "export default {}",
    "app/page.tsx": "export default function P() { return null }",
    "lib/a.ts": "export const a = 1",
    "lib/a.test.ts": "test",
    "lib/generated/prisma/client.ts": "generated",
    "inngest/f.ts": "f",
    "components/c.tsx": "c",
    "prisma/schema/schema.prisma": "model A { id Int @id }",
    "tests/x.test.ts": "x",
    "README.md": "readme",
  };
  for (const [f, text] of Object.entries(files)) write(d, f, text);
  return d;
}
function write(dir: string, file: string, text: string) {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}
function stamp(dir: string, hash: string) {
  write(dir, ".next/BUILD_ID", "x");
  write(dir, STAMP, JSON.stringify({ hash }));
}

describe("scripts/build.mjs inputsHash", () => {
  it("changes with any source, config, schema or lockfile the build reads", () => {
    for (const [file, text] of [
      ["app/page.tsx", "export default function P() { return 1 }"],
      ["lib/a.ts", "export const a = 2"],
      ["lib/new.ts", "new"],
      ["inngest/f.ts", "g"],
      ["components/c.tsx", "d"],
      ["prisma/schema/schema.prisma", "model B { id Int @id }"],
      ["package-lock.json", '{"v":2}'],
      ["next.config.ts", "export default { x: 1 }"],
      ["tsconfig.json", "{}"],
      ["public/logo.svg", "<svg/>"],
    ]) {
      const d = project();
      const before = inputsHash(d, {}).hash;
      write(d, file!, text!);
      expect(inputsHash(d, {}).hash, file).not.toBe(before);
    }
  });

  it("changes with a NEXT_PUBLIC_ variable (inlined into the bundles), not with other variables", () => {
    const d = project();
    const base = inputsHash(d, {}).hash;
    expect(inputsHash(d, { NEXT_PUBLIC_X: "1" }).hash).not.toBe(base);
    expect(inputsHash(d, { DATABASE_URL: "postgres://x" }).hash).toBe(base);
  });

  it("ignores tests, generated files, docs and the build itself", () => {
    const d = project();
    const before = inputsHash(d, {}).hash;
    write(d, "lib/a.test.ts", "changed");
    write(d, "tests/x.test.ts", "changed");
    write(d, "lib/generated/prisma/client.ts", "regenerated");
    write(d, "README.md", "changed");
    write(d, "next-env.d.ts", "rewritten by next dev");
    write(d, ".next/server/x.js", "built");
    expect(inputsHash(d, {}).hash).toBe(before);
  });

  it("buildIsCurrent: only a complete build stamped with the current inputs", () => {
    const d = project();
    expect(buildIsCurrent(d, {})).toBe(false); // no build
    write(d, STAMP, JSON.stringify({ hash: inputsHash(d, {}).hash }));
    expect(buildIsCurrent(d, {})).toBe(false); // a stamp without BUILD_ID: an unfinished build
    stamp(d, inputsHash(d, {}).hash);
    expect(buildIsCurrent(d, {})).toBe(true);
    write(d, "lib/a.ts", "export const a = 3");
    expect(buildIsCurrent(d, {})).toBe(false);
  });

  it("the real project's inputs hash is stable across two reads", () => {
    expect(inputsHash(root).hash).toBe(inputsHash(root).hash);
    expect(inputsHash(root).files).toBeGreaterThan(100);
  });
});

describe("e2e/fixtures/port.mjs", () => {
  const portOf = (env: NodeJS.ProcessEnv) =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", "const m = await import('./e2e/fixtures/port.mjs'); process.stdout.write(String(m.E2E_PORT) + ' ' + process.env.E2E_PORT)"], {
        cwd: root,
        env,
        encoding: "utf8",
      }).split(" ")[0],
    );

  it("keeps E2E_PORT when it is set", () => {
    expect(portOf({ ...process.env, E2E_PORT: "4567" })).toBe(4567);
  });

  it("picks a free port when E2E_PORT is unset, not the old fixed 3100 someone else may hold", async () => {
    // Hold 3100 as the other program did (if it is free; when it is taken, someone holds it anyway).
    const holder = net.createServer();
    await new Promise<void>((r) => holder.once("error", () => r()).listen(3100, "127.0.0.1", () => r()));
    try {
      const env = { ...process.env };
      delete env.E2E_PORT;
      const port = portOf(env);
      expect(port).not.toBe(3100);
      expect(port).toBeGreaterThan(0);
      // Free: we can listen on it.
      const s = net.createServer();
      await new Promise<void>((resolve, reject) => s.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
      await new Promise<void>((r) => s.close(() => r()));
    } finally {
      await new Promise<void>((r) => (holder.listening ? holder.close(() => r()) : r()));
    }
  });
});

describe("Dockerfile and scripts/prod-smoke.mjs", () => {
  it("take the same steps: every COPY, RUN, USER and CMD of the build and runtime stages is in the tested script", () => {
    const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
    const script = readFileSync(path.join(root, "scripts/prod-smoke.mjs"), "utf8");
    const stages = dockerfile.split(/^FROM /m).filter((s) => / AS (build|runtime)\b/.test(s.split("\n")[0]!));
    expect(stages).toHaveLength(2);
    const steps = stages.flatMap((s) => s.split("\n").filter((l) => /^(COPY|RUN|USER|CMD) /.test(l)));
    expect(steps.length).toBeGreaterThanOrEqual(12);
    const missing = steps.filter((step) => !script.includes(`// ${step}\n`));
    expect(missing, "Dockerfile steps the tested script does not take (or does not name)").toEqual([]);
    // And the script takes no npm step the Dockerfile lacks.
    const scripted = [...script.matchAll(/^\s*\/\/ (RUN .*)$/gm)].map((m) => m[1]);
    for (const r of scripted) expect(steps, r).toContain(r);
  });
});
