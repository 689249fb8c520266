// Lighthouse on the console (issue 14): performance and accessibility of Credentials, Webhooks,
// an endpoint page and the Audit log, with the mobile preset and the desktop preset.
// Offline: npm `lighthouse` drives Debian's Chromium (/usr/bin/chromium, or CHROME_PATH).
//
//   npx next build && node bench/lighthouse.mjs          # starts its own server on a fresh data dir
//   BENCH_URL=http://localhost:3000 BENCH_EMAIL=… BENCH_PASSWORD=… node bench/lighthouse.mjs
//
// It makes the first organization through the setup page in a Playwright browser (or signs in),
// creates an endpoint with one test event, then hands the session cookie to Lighthouse. Targets
// (printed beside each figure, never asserted: this is a benchmark): mobile ≥ 90 performance and
// 100 accessibility, desktop ≥ 98 and 100. Scores on a shared 2-core machine move between runs.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const root = path.resolve(import.meta.dirname, "..");
const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const ADMIN = { name: "Bench Admin", email: process.env.BENCH_EMAIL || "bench@example.test", password: process.env.BENCH_PASSWORD || "Lighthouse-Bench-Pass-91", org: "Bench Org" };
const TARGETS = { mobile: { performance: 90, accessibility: 100 }, desktop: { performance: 98, accessibility: 100 } };

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

let server = null;
let dataDir = null;
let base = process.env.BENCH_URL;
if (!base) {
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) throw new Error("No build: run `npx next build` first (or set BENCH_URL).");
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-lighthouse-"));
  base = `http://localhost:${port}`;
  server = spawn("npx", ["tsx", "server.ts", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_ALLOW_PRIVATE_URLS: "1", PORT: String(port), LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  await waitFor(`${base}/api/health`, 180_000);
}

function stop() {
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {}
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

try {
  // ---- A signed-in session and something to look at ----
  const browser = await chromium.launch({ executablePath: CHROME, args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ baseURL: base });
  await page.goto("/");
  if (/\/setup$/.test(page.url())) {
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Organization name", { exact: true }).fill(ADMIN.org);
    await page.getByRole("button", { name: "Create organization" }).click();
  } else if (/\/sign-in/.test(page.url())) {
    await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.waitForURL(/\/settings\/organization\//, { timeout: 60_000 });
  const origin = new URL(base).origin;
  const ep = await page.request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: "Lighthouse", url: "http://127.0.0.1:9/hook", event_types: ["webhook.test"] },
  });
  if (ep.status() !== 201) throw new Error(`endpoint: ${ep.status()} ${await ep.text()}`);
  const { id } = await ep.json();
  await page.request.post(`/api/v1/endpoints/${id}/test`, { headers: { origin, "idempotency-key": `lh-${Date.now()}` }, data: { type: "webhook.test", data: { hello: "lighthouse" } } });
  await page.request.post("/api/v1/credentials", { headers: { origin }, data: { name: "Lighthouse", scopes: ["events:read"] } });
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  await browser.close();

  const pages = [
    ["Credentials", "/settings/organization/credentials"],
    ["Webhooks", "/settings/organization/webhooks"],
    ["Endpoint page", `/settings/organization/webhooks/endpoints/${id}`],
    ["Audit log", "/settings/organization/audit-log"],
  ];

  // ---- Lighthouse: each page, mobile then desktop, one Chromium ----
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS });
  const rows = [];
  try {
    for (const [name, p] of pages) {
      // A warm-up load, so the first figure does not pay for compiling the route.
      await fetch(`${base}${p}`, { headers: { cookie } }).catch(() => undefined);
      for (const preset of ["mobile", "desktop"]) {
        const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"], extraHeaders: { cookie } };
        const result = await lighthouse(`${base}${p}`, flags, preset === "desktop" ? desktopConfig : undefined);
        const lhr = result.lhr;
        const score = (k) => Math.round((lhr.categories[k]?.score ?? 0) * 100);
        const failing = Object.values(lhr.audits)
          .filter((a) => a.scoreDisplayMode === "binary" && a.score === 0 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id))
          .map((a) => a.id);
        rows.push({ page: name, preset, performance: score("performance"), accessibility: score("accessibility"), lcp: lhr.audits["largest-contentful-paint"]?.displayValue, tbt: lhr.audits["total-blocking-time"]?.displayValue, cls: lhr.audits["cumulative-layout-shift"]?.displayValue, failing });
        if (lhr.finalDisplayedUrl && !lhr.finalDisplayedUrl.includes(p.split("?")[0])) rows.at(-1).note = `landed on ${lhr.finalDisplayedUrl}`;
      }
    }
  } finally {
    await chrome.kill();
  }

  const version = JSON.parse(readFileSync(path.join(root, "node_modules/lighthouse/package.json"), "utf8")).version;
  console.log(`\nLighthouse ${version} on ${base}, Chromium ${CHROME}`);
  console.log("page            preset   perf (target)  a11y (target)  LCP      TBT      CLS    failing a11y audits");
  for (const r of rows) {
    const t = TARGETS[r.preset];
    const mark = (v, target) => `${String(v).padStart(3)} ${v >= target ? "✓" : "✗"} (≥${target})`;
    console.log(
      `${r.page.padEnd(16)}${r.preset.padEnd(9)}${mark(r.performance, t.performance).padEnd(15)}${mark(r.accessibility, t.accessibility).padEnd(15)}${String(r.lcp).padEnd(9)}${String(r.tbt).padEnd(9)}${String(r.cls).padEnd(7)}${r.failing.join(", ") || "-"}${r.note ? `  (${r.note})` : ""}`,
    );
  }
} finally {
  stop();
}
