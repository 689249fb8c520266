// JavaScript each console page loads on first paint, from the production build (.next): the stable
// figure beside Lighthouse's noisy scores (issue 14). Per page: the root main files every page
// loads, plus the chunks of the page's layouts and page (the client reference manifest's
// entryJSFiles), counted once, raw and gzip-compressed (what the browser downloads).
//
//   npx next build && node bench/page-weight.mjs            # the four Lighthouse pages
//   node bench/page-weight.mjs --all                        # every console page
//   node bench/page-weight.mjs --chunks                     # and each page's chunks, largest first
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const next = path.join(root, ".next");
if (!existsSync(path.join(next, "BUILD_ID"))) {
  console.error("No build: run `npx next build` first.");
  process.exit(1);
}

export const BENCH_PAGES = {
  Credentials: "/(console)/settings/organization/credentials/page",
  Webhooks: "/(console)/settings/organization/webhooks/page",
  "Endpoint page": "/(console)/settings/organization/webhooks/endpoints/[id]/page",
  "Audit log": "/(console)/settings/organization/audit-log/page",
};

const all = process.argv.includes("--all");
const showChunks = process.argv.includes("--chunks");

function manifests() {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "page_client-reference-manifest.js") {
        globalThis.__RSC_MANIFEST = {};
        // The manifest is a script that assigns globalThis.__RSC_MANIFEST[entry].
        new Function("self", readFileSync(p, "utf8"))(globalThis);
        Object.assign(out, globalThis.__RSC_MANIFEST);
      }
    }
  };
  walk(path.join(next, "server/app"));
  return out;
}

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const buf = readFileSync(path.join(next, file));
    sizes.set(file, { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
  }
  return sizes.get(file);
}

const build = JSON.parse(readFileSync(path.join(next, "build-manifest.json"), "utf8"));
const rsc = manifests();
const wanted = all
  ? Object.fromEntries(Object.keys(rsc).filter((k) => k.startsWith("/(console)/")).sort().map((k) => [k.replace("/(console)", "").replace(/\/page$/, ""), k]))
  : BENCH_PAGES;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
for (const [name, entry] of Object.entries(wanted)) {
  const m = rsc[entry];
  if (!m) {
    console.log(`${name}: no manifest for ${entry}`);
    continue;
  }
  const files = new Set(build.rootMainFiles);
  const key = `[project]/app${entry.slice(0, -"/page".length)}/page`;
  for (const f of m.entryJSFiles[key] ?? []) files.add(f);
  const list = [...files].map((f) => ({ f, ...size(f) })).sort((a, b) => b.raw - a.raw);
  const raw = list.reduce((s, x) => s + x.raw, 0);
  const gzip = list.reduce((s, x) => s + x.gzip, 0);
  const css = (m.entryCSSFiles[key] ?? []).map((c) => (typeof c === "string" ? c : c.path)).filter(Boolean);
  const cssBytes = css.reduce((s, f) => s + (existsSync(path.join(next, f)) ? statSync(path.join(next, f)).size : 0), 0);
  rows.push({ name, files: list.length, raw, gzip, css: cssBytes });
  if (showChunks) {
    console.log(`\n${name} (${entry})`);
    for (const x of list) console.log(`  ${x.f.padEnd(40)} ${kb(x.raw).padStart(10)} ${kb(x.gzip).padStart(10)} gz`);
  }
}
console.log(`\nFirst-load JavaScript per page (${path.relative(root, next)}, build ${readFileSync(path.join(next, "BUILD_ID"), "utf8").trim()})`);
console.log("page                                     chunks   JS raw      JS gzip     CSS raw");
for (const r of rows) console.log(`${r.name.padEnd(41)}${String(r.files).padStart(6)}${kb(r.raw).padStart(11)}${kb(r.gzip).padStart(12)}${kb(r.css).padStart(12)}`);
