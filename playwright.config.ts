// End-to-end tests in real Chromium against `npm start`'s server (server.ts) on the embedded defaults (PGlite,
// embedded Inngest executor) with a fresh data directory. Run through `npm run test:e2e`
// (scripts/e2e.mjs builds first); `npx playwright test` works too once a build exists.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { E2E_PORT } from "./e2e/fixtures/port.mjs"; // first: sets E2E_PORT (a free port when unset)
import { chromiumExecutable } from "./e2e/fixtures/chromium.mjs";
import { ADMIN_STORAGE_STATE } from "./e2e/fixtures/admin";

const CI = !!process.env.CI;
const PORT = E2E_PORT;
const BASE_URL = `http://localhost:${PORT}`;

// The config is evaluated in the runner and in every worker; workers inherit the runner's
// environment, so the directory is created once and shared.
process.env.E2E_DATA_DIR ||= mkdtempSync(path.join(tmpdir(), "gatehouse-e2e-"));

// Always the embedded database: a DATABASE_URL from the caller's shell must not point the
// tests (which sign up, create and revoke things) at a real database.
delete process.env.DATABASE_URL;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  forbidOnly: CI,
  // One server with one embedded database; two workers keep both cores busy without contention.
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    permissions: ["clipboard-read", "clipboard-write"],
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /setup\.spec\.ts$/ },
    {
      name: "chromium",
      testIgnore: /setup\.spec\.ts$/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"], storageState: ADMIN_STORAGE_STATE },
    },
  ],
  webServer: {
    command: `npx tsx server.ts -p ${PORT}`,
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: !CI && !!process.env.E2E_REUSE_SERVER,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      GATEHOUSE_DATA_DIR: process.env.E2E_DATA_DIR,
      GATEHOUSE_ALLOW_PRIVATE_URLS: "1",
      GATEHOUSE_RETRY_SCHEDULE: "1s,2s,3s",
      // Every request's access line at info would bury what matters in CI's output.
      LOG_LEVEL: process.env.LOG_LEVEL || "warn",
      PORT: String(PORT),
    },
  },
});
