// The load generator for benchmarks that compare processes: `wrk` (Debian package) when it is on
// the PATH, else autocannon (npm). They differ a lot here: on a bare Node handler autocannon tops
// out near 20,000 req/s on these machines while `wrk -t1` reaches 35,000–55,000, so a ratio taken
// against a bare baseline measured with autocannon is flattered. Every report says which one ran
// and its ceiling (the bare handler's rate with the same settings, measured in the same run).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { load, type LoadOptions, type LoadResult } from "./harness";

export type Generator = "wrk" | "autocannon";

/** wrk when installed (BENCH_GENERATOR=autocannon forces autocannon). */
export function pickGenerator(): Generator {
  if (process.env.BENCH_GENERATOR === "autocannon") return "autocannon";
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return "wrk";
  } catch (err) {
    // wrk --version exits 1 after printing its version: installed all the same.
    return (err as { status?: number }).status === 1 ? "wrk" : "autocannon";
  }
}

const luaString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** `1.23ms` → 1.23 (milliseconds). */
function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** One wrk run (one thread), bounded by time: wrk has no request-count bound. */
async function wrkLoad(o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-wrk-"));
  try {
    const script = path.join(dir, "request.lua");
    const lines = [`wrk.method = ${luaString(o.method ?? "GET")}`];
    if (o.body !== undefined) lines.push(`wrk.body = ${luaString(o.body)}`);
    for (const [k, v] of Object.entries(o.headers ?? {})) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
    writeFileSync(script, lines.join("\n"));
    const args = ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--timeout", "10s", "--latency", "-s", script, o.url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d) => (text += d));
      child.stderr.on("data", (d) => (text += d));
      const hardStop = setTimeout(() => child.kill("SIGKILL"), (o.seconds + 15) * 1000);
      child.on("error", reject);
      child.on("exit", () => {
        clearTimeout(hardStop);
        resolve(text);
      });
    });
    const total = /(\d+) requests in ([\d.]+\w+)/.exec(out);
    const requests = total ? Number(total[1]) : 0;
    const seconds = total ? toMs(total[2]!) / 1000 : o.seconds;
    const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out)?.[1] ?? "");
    const errorsLine = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = errorsLine ? errorsLine.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    // No Lua response() callback (it would make wrk parse every body and lower its ceiling):
    // wrk counts what was not 2xx/3xx in all; each bench checks one answer's status first.
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    if (!total) throw new Error(`could not read wrk's output:\n${out}`);
    const statuses: Record<string, number> = non2xx ? { "2xx": requests - non2xx, "non-2xx": non2xx } : { "2xx": requests };
    return { requests, seconds, rps: seconds > 0 ? requests / seconds : 0, p50: pct("50"), p99: pct("99"), non2xx, errors, statuses };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One bounded run with the chosen generator (traffic only to 127.0.0.1). */
export function generate(gen: Generator, o: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(o.url)) throw new Error(`benchmarks only send traffic to 127.0.0.1, not ${o.url}`);
  return gen === "wrk" ? wrkLoad(o) : load(o);
}

/**
 * Several runs at once, one per target (one per process, as a load balancer would spread them),
 * `connections` split between them; rates add up, latencies are the worst of the runs.
 */
export async function generateSpread(gen: Generator, urls: string[], o: Omit<LoadOptions, "url">): Promise<LoadResult> {
  const each = Math.max(1, Math.round(o.connections / urls.length));
  const results = await Promise.all(urls.map((url) => generate(gen, { ...o, url, connections: each, maxRequests: Math.ceil(o.maxRequests / urls.length) })));
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  return {
    requests,
    seconds,
    rps: results.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    non2xx: results.reduce((a, r) => a + r.non2xx, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    statuses,
  };
}
