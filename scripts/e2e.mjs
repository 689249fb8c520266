// `npm run test:e2e`: builds the app, gives the server a fresh data directory, makes sure a
// Chromium exists, runs Playwright (extra arguments pass through) and exits with its status.
//   E2E_SKIP_BUILD=1  reuse the existing .next build even when the sources changed since
//   E2E_PORT=3100     port of the app server (`npm start`'s server.ts); unset: a free port
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromiumExecutable } from "../e2e/fixtures/chromium.mjs";
import { E2E_PORT } from "../e2e/fixtures/port.mjs"; // sets E2E_PORT for Playwright when unset

const root = path.resolve(import.meta.dirname, "..");
// Telemetry would try to reach the internet from every build and server start.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

async function ensureChromium() {
  if (chromiumExecutable()) return;
  const { chromium } = await import("playwright-core");
  if (existsSync(chromium.executablePath())) return;
  // Only reached without a system Chromium; needs the internet (which users have and CI here does not).
  console.log("[e2e] No Chromium found; running `npx playwright install chromium`.");
  if (run(npx, ["playwright", "install", "chromium"]) !== 0) {
    console.error("[e2e] Could not install Chromium. Install one (Debian: apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_PATH.");
    process.exit(1);
  }
}

await ensureChromium();

if (process.env.E2E_SKIP_BUILD !== "1") {
  // Builds only when the sources changed since the last build (scripts/build.mjs), as `npm start` does.
  const status = run(process.execPath, [path.join(root, "scripts/build.mjs"), "--if-changed"]);
  if (status !== 0) {
    console.error("[e2e] next build failed");
    process.exit(status);
  }
}

// A fresh data directory per run: the setup spec performs the first-run setup.
const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-e2e-"));
mkdirSync(path.join(root, "test-results"), { recursive: true });
rmSync(path.join(root, "test-results", "e2e.json"), { force: true }); // never count a stale report
const env = { ...process.env, E2E_DATA_DIR: dataDir };
delete env.DATABASE_URL;

console.log(`[e2e] app server port ${E2E_PORT}`);
const status = run(npx, ["playwright", "test", ...process.argv.slice(2)], env);
// The signed-in state is saved per port (e2e/fixtures/admin.ts); a free port is rarely reused.
rmSync(path.join(root, "e2e", ".auth", `admin-${E2E_PORT}.json`), { force: true });
if (status === 0 || !process.env.E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
else console.log(`[e2e] data directory kept for inspection: ${dataDir}`);
process.exit(status);
