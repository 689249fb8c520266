// `npm run test:prod`: the Dockerfile's steps, without Docker, in a clean temporary folder. Docker
// cannot run on the machines this project is built on, so this is the tested path and the
// Dockerfile must stay step for step the same (each step below names its Dockerfile line).
//
//   build stage    copy the lockfile and what postinstall needs → `npm ci`; copy the sources →
//                  `npm run build`; drop .next/cache
//   runtime stage  copy the lockfile → `npm ci --omit=dev --ignore-scripts` (production dependencies
//                  only, no install scripts); copy the
//                  sources, the build and the generated Prisma client; start
//                  `node --import tsx server.ts` as a user other than root (when run as root);
//                  check /api/health, the OpenAPI document, a console page, that no dev
//                  dependency is installed and that `npm start` there would not rebuild
//
//   --reuse-build     skip the build stage and take the repository's own .next (it must be
//                     current: scripts/build.mjs's stamp) and lib/generated; CI runs this after
//                     `npm test`, whose e2e stage built exactly that with `npm run build`'s script
//   --report <file>   write a vitest-style JSON report (counted by scripts/test-summary.mjs)
//   --keep            keep the temporary folder
//
// "The sources" are the repository's files minus .dockerignore's entries, as `COPY . .` sends them.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildIsCurrent } from "./build.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const reuseBuild = args.includes("--reuse-build");
const keep = args.includes("--keep");
const reportFile = args.includes("--report") ? path.resolve(args[args.indexOf("--report") + 1]) : undefined;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const started = Date.now();
const log = (m) => console.log(`[prod-smoke +${Math.round((Date.now() - started) / 1000)}s] ${m}`);

/** Files and folders `COPY . .` leaves out (.dockerignore: plain paths, or `*.ext` for any folder). */
function ignoredBy() {
  const lines = readFileSync(path.join(repo, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  return (rel) =>
    lines.some((p) => (p.startsWith("*") ? rel.endsWith(p.slice(1)) : rel === p || rel.startsWith(p + "/") || (p.startsWith("**/") && (rel === p.slice(3) || rel.endsWith("/" + p.slice(3))))));
}

/** `COPY <from> <to>` of the build context (the repository) or of one stage's folder. */
function copy(fromRoot, rel, toRoot, ignored = () => false) {
  const src = path.join(fromRoot, rel);
  cpSync(src, path.join(toRoot, rel), {
    recursive: true,
    filter: (p) => !ignored(path.relative(fromRoot, p).split(path.sep).join("/")),
  });
}
const copyContext = (to) => {
  const ignored = ignoredBy();
  for (const entry of readdirSync(repo)) if (!ignored(entry)) copy(repo, entry, to, ignored);
};

function run(cmd, argv, cwd, env = process.env) {
  log(`${path.basename(cwd)}$ ${cmd} ${argv.join(" ")}`);
  const r = spawnSync(cmd, argv, { cwd, stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} exited with ${r.status}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ title: name, status: "passed" });
    log(`ok   ${name}`);
  } catch (err) {
    results.push({ title: name, status: "failed", failureMessages: [String(err?.stack ?? err)] });
    log(`FAIL ${name}: ${err?.message ?? err}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const base = mkdtempSync(path.join(tmpdir(), "gatehouse-prod-"));
chmodSync(base, 0o755); // the runtime user (not root) must read the app
const buildDir = path.join(base, "build");
const appDir = path.join(base, "app");
const dataDir = path.join(base, "data");
let server;

try {
  // ---- build stage (Dockerfile: FROM … AS build) ----
  let built = buildDir;
  if (reuseBuild) {
    assert(buildIsCurrent(repo), "--reuse-build: the repository has no build of its current sources (run `npm run build`)");
    assert(existsSync(path.join(repo, "lib/generated/prisma")), "--reuse-build: lib/generated/prisma is missing (npm ci generates it)");
    built = repo;
    log("build stage skipped: reusing the repository's current .next and lib/generated");
  } else {
    mkdirSync(buildDir);
    // COPY package.json package-lock.json prisma.config.ts ./
    // COPY scripts/prisma-generate.mjs scripts/
    // COPY prisma/schema prisma/schema
    for (const f of ["package.json", "package-lock.json", "prisma.config.ts", "scripts/prisma-generate.mjs", "prisma/schema"]) copy(repo, f, buildDir);
    // RUN npm ci --no-audit --no-fund
    run(npm, ["ci", "--no-audit", "--no-fund"], buildDir);
    // COPY . .
    copyContext(buildDir);
    // RUN npm run build && rm -rf .next/cache
    run(npm, ["run", "build"], buildDir);
    rmSync(path.join(buildDir, ".next/cache"), { recursive: true, force: true });
  }

  // ---- runtime stage (Dockerfile: FROM … AS runtime) ----
  mkdirSync(appDir);
  // COPY package.json package-lock.json ./
  for (const f of ["package.json", "package-lock.json"]) copy(repo, f, appDir);
  // RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
  run(npm, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], appDir, { ...process.env, NODE_ENV: "production" });
  // COPY . .
  copyContext(appDir);
  // COPY --from=build /app/.next ./.next
  copy(built, ".next", appDir, (rel) => rel === ".next/cache" || rel.startsWith(".next/cache/"));
  // COPY --from=build /app/lib/generated ./lib/generated
  copy(built, "lib/generated", appDir);
  // RUN mkdir -p /data && chown node:node /data
  // USER node
  mkdirSync(dataDir);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: 65534, gid: 65534 } : {}; // nobody, standing in for the image's `node` user
  if (asRoot) chownSync(dataDir, 65534, 65534);

  await check("no development-only package is installed", () => {
    // package-lock.json marks with "dev": true what only the dev dependencies need (some dev tools,
    // e.g. typescript or the prisma CLI, are also peers of production packages and stay).
    const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8"));
    const devOnly = Object.entries(lock.packages)
      .filter(([p, meta]) => p.startsWith("node_modules/") && meta.dev === true)
      .map(([p]) => p);
    assert(devOnly.some((p) => p === "node_modules/vitest"), "the lockfile marks no dev-only packages");
    const present = devOnly.filter((p) => existsSync(path.join(appDir, p, "package.json")));
    assert(present.length === 0, `installed in the runtime folder: ${present.slice(0, 10).join(", ")}`);
  });
  await check("`npm start` there would not rebuild (the build stamp matches the copied sources)", () => {
    assert(buildIsCurrent(appDir, {}), "scripts/build.mjs --if-changed would run next build: the runtime sources differ from the build's");
  });

  // CMD ["node", "--import", "tsx", "server.ts"]
  // (with the image's ENV: NODE_ENV=production, PORT, HOSTNAME (loopback here), GATEHOUSE_DATA_DIR)
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = { ...process.env, NODE_ENV: "production", PORT: String(port), HOSTNAME: "127.0.0.1", GATEHOUSE_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  for (const k of ["DATABASE_URL", "INNGEST_DEV", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "INNGEST_BASE_URL", "E2E_PORT"]) delete env[k];
  if (asRoot) env.HOME = dataDir; // nobody's home does not exist
  log(`${path.basename(appDir)}$ node --import tsx server.ts (port ${port}${asRoot ? ", as nobody" : ""})`);
  const output = [];
  server = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"], ...user });
  const exited = new Promise((r) => server.once("exit", (code, signal) => r({ code, signal })));
  for (const s of [server.stdout, server.stderr])
    s.on("data", (c) => {
      const t = c.toString();
      output.push(t);
      process.stdout.write(t.replace(/^(?=.)/gm, "  [server] "));
    });

  await check("the server starts and /api/health answers 200 within 120 s", async () => {
    const until = Date.now() + 120_000;
    for (;;) {
      const r = await fetch(`${origin}/api/health`).catch(() => undefined);
      if (r?.ok) {
        const body = await r.json();
        assert(body.status === "ok" && body.database === "pglite", `unexpected health body ${JSON.stringify(body)}`);
        return;
      }
      const gone = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 500))]);
      if (gone) throw new Error(`the server exited (${JSON.stringify(gone)}):\n${output.join("").slice(-3000)}`);
      if (Date.now() > until) throw new Error(`no healthy answer after 120 s:\n${output.join("").slice(-3000)}`);
    }
  });
  await check("the API's lean layer answers (GET /api/v1/openapi.json)", async () => {
    const r = await fetch(`${origin}/api/v1/openapi.json`);
    assert(r.status === 200, `status ${r.status}`);
    assert((await r.json()).openapi === "3.1.0", "not the OpenAPI document");
  });
  await check("Next.js serves the console from the build (GET /sign-in)", async () => {
    const r = await fetch(`${origin}/sign-in`, { redirect: "manual" });
    assert(r.status === 200 || (r.status >= 300 && r.status < 400), `status ${r.status}`);
    if (r.status === 200) assert((await r.text()).includes("<html"), "not an HTML page");
  });
  await check("a bearer call without a token gets problem+json 401", async () => {
    const r = await fetch(`${origin}/api/v1/events`, { headers: { authorization: "Bearer nope" } });
    assert(r.status === 401, `status ${r.status}`);
    assert(r.headers.get("content-type")?.startsWith("application/problem+json"), `content-type ${r.headers.get("content-type")}`);
  });
  await check("SIGTERM stops the server within 15 s", async () => {
    server.kill("SIGTERM");
    const r = await Promise.race([exited, new Promise((res) => setTimeout(() => res(undefined), 15_000))]);
    assert(r, "still running 15 s after SIGTERM");
  });
} catch (err) {
  results.push({ title: "prod-smoke steps", status: "failed", failureMessages: [String(err?.stack ?? err)] });
  console.error(`[prod-smoke] ${err?.message ?? err}`);
} finally {
  if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  if (keep) log(`kept ${base}`);
  // Up to two node_modules trees (~1 GB): deleting them took 4-6 min on a loaded machine, so
  // rm(1) does it in the background, after this script has reported.
  else if (process.platform === "win32") rmSync(base, { recursive: true, force: true });
  else {
    spawn("rm", ["-rf", base], { detached: true, stdio: "ignore" }).unref();
    log(`removing ${base} in the background`);
  }
}

const failed = results.filter((r) => r.status === "failed").length;
if (reportFile) {
  mkdirSync(path.dirname(reportFile), { recursive: true });
  writeFileSync(
    reportFile,
    JSON.stringify({
      numPassedTests: results.length - failed,
      numFailedTests: failed,
      numPendingTests: 0,
      numTodoTests: 0,
      success: failed === 0,
      testResults: [{ name: "scripts/prod-smoke.mjs", status: failed ? "failed" : "passed", assertionResults: results }],
    }),
  );
}
log(`${failed ? "FAILED" : "PASSED"}: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
