// V8's heap growth bounded (issue 17 item 8): in a real node process, ~45 MiB live and a stream
// of objects that survive the young generation and then die in the old one (as a delivery's do
// while it waits on the database). Left to V8, the old space grows to ~300 MiB before it is
// collected; bounded to 50%, it stays under ~2× what is live.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { boundHeapGrowth } from "@/lib/runtime/heap-growth";

const root = path.resolve(__dirname, "../..");

const CHURN = `
import { getHeapSpaceStatistics } from "node:v8";
import { boundHeapGrowth } from "@/lib/runtime/heap-growth";
const inEffect = boundHeapGrowth(Number(process.env.PERCENT));
const live = [];
for (let i = 0; i < 300_000; i++) live.push({ i, s: "x".repeat(64) + i });
const ring = new Array(50_000);
let peak = 0;
for (let i = 0; i < 2_000_000; i++) {
  ring[i % ring.length] = { i, a: [i, i + 1, i + 2], s: "y" + i };
  if (i % 10_000 === 0) peak = Math.max(peak, getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_size);
}
console.log(JSON.stringify({ inEffect, peakOldMiB: peak / 2 ** 20, live: live.length }));
`;

function churn(percent: number): Promise<{ inEffect: number | null; peakOldMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHURN], {
      cwd: root,
      env: { ...process.env, PERCENT: String(percent) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`churn exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!));
    });
  });
}

describe("boundHeapGrowth", () => {
  it("keeps the old space near what is live instead of letting it grow to several times that", async () => {
    const bounded = await churn(50);
    expect(bounded.inEffect).toBe(50);
    // ~45 MiB live; V8's own heuristic lets this reach ~300 MiB.
    expect(bounded.peakOldMiB).toBeLessThan(200);
  }, 120_000);

  it("leaves a --heap-growing-percent given to node in place, and 0 to V8", () => {
    expect(boundHeapGrowth(50, ["--heap-growing-percent=80"])).toBe(80);
    expect(boundHeapGrowth(0, [])).toBeNull();
  });
});
