// `npm run build`: `next build`, then a stamp of what it was built from (.next/gatehouse-inputs.json).
// `npm start` runs this with --if-changed first: it builds only when the inputs of the build changed
// since the stamp was written (or there is no build), so a restart takes seconds, not a minute.
//
//   node scripts/build.mjs               always build (what `npm run build` does)
//   node scripts/build.mjs --if-changed  build only when inputsHash() differs from the stamp
//
// The inputs: every file under the folders Next.js compiles (app/, components/, lib/, inngest/,
// public/, prisma/schema/), the config files at the root, package.json and package-lock.json,
// and the NEXT_PUBLIC_* variables (inlined into the client bundles). Tests (*.test.*) and the
// generated files (the Prisma client, derived from prisma/schema and the lockfile; next-env.d.ts,
// which `next dev` and `next build` rewrite) are left out.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAMP = path.join(".next", "gatehouse-inputs.json");

export const INPUT_DIRS = ["app", "components", "lib", "inngest", "public", "prisma/schema"];
export const INPUT_FILES = [
  "package.json",
  "package-lock.json",
  "next.config.ts",
  "instrumentation.ts",
  "middleware.ts",
  "proxy.ts",
  "postcss.config.mjs",
  "tsconfig.json",
];
const SKIP_DIRS = new Set(["node_modules", ".next", "generated"]);
const isTest = (name) => /\.test\.[cm]?[jt]sx?$/.test(name);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder that does not exist contributes nothing
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
    } else if (e.isFile() && !isTest(e.name)) out.push(p);
  }
}

/**
 * SHA-256 over the relative path and bytes of every input file, in a stable order, and the NEXT_PUBLIC_* variables.
 * @param {string} [dir]
 * @param {Record<string, string | undefined>} [env]
 */
export function inputsHash(dir = root, env = process.env) {
  const files = [];
  for (const d of INPUT_DIRS) walk(path.join(dir, d), files);
  for (const f of INPUT_FILES) if (existsSync(path.join(dir, f))) files.push(path.join(dir, f));
  const rel = files.map((f) => path.relative(dir, f).split(path.sep).join("/")).sort();
  const h = createHash("sha256");
  for (const f of rel) {
    h.update(`${f}\0`);
    h.update(readFileSync(path.join(dir, f)));
    h.update("\0");
  }
  for (const k of Object.keys(env).filter((k) => k.startsWith("NEXT_PUBLIC_")).sort()) h.update(`env:${k}=${env[k]}\0`);
  return { hash: h.digest("hex"), files: rel.length };
}

/** The stamp of the build in `dir`/.next, or undefined when there is no complete build. */
export function readStamp(dir = root) {
  if (!existsSync(path.join(dir, ".next", "BUILD_ID"))) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, STAMP), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Whether the build in `dir`/.next was made from the current inputs.
 * @param {string} [dir]
 * @param {Record<string, string | undefined>} [env]
 */
export function buildIsCurrent(dir = root, env = process.env) {
  const stamp = readStamp(dir);
  return !!stamp && stamp.hash === inputsHash(dir, env).hash;
}

/**
 * @param {string} [dir]
 * @param {Record<string, string | undefined>} [env]
 */
export function build(dir = root, env = process.env) {
  const before = inputsHash(dir, env);
  // A build that fails half-way must not leave a stamp that matches.
  rmSync(path.join(dir, STAMP), { force: true });
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const r = spawnSync(npx, ["next", "build"], { cwd: dir, stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...env } });
  if (r.error) throw r.error;
  if (r.status !== 0) return r.status ?? 1;
  // Built from `before`: a file edited during the build makes the next --if-changed build again.
  writeFileSync(path.join(dir, STAMP), JSON.stringify({ hash: before.hash, files: before.files, builtAt: new Date().toISOString() }) + "\n");
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifChanged = process.argv.includes("--if-changed");
  if (ifChanged && buildIsCurrent()) {
    console.log("[build] .next is up to date with the sources (scripts/build.mjs); not rebuilding");
    process.exit(0);
  }
  if (ifChanged) console.log(readStamp() ? "[build] sources changed since the last build: next build" : "[build] no build yet: next build");
  process.exit(build());
}
