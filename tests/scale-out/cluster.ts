// A small cluster for the scale-out tests: N Gatehouse API processes (gatehouse-process.ts) on
// the test file's PostgreSQL database, behind a round-robin HTTP proxy on loopback written here,
// as a load balancer would spread requests. Each proxied response says which process answered
// (`x-scale-node`).
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";

export type Memory = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
export type Node = {
  index: number;
  origin: string;
  pid: number;
  process: ChildProcess;
  stderr(): string;
  /** The process's last memory report (with GATEHOUSE_TEST_MEMORY_MS set: every that many ms). */
  memory(): Memory | undefined;
};
export type Cluster = { origin: string; nodes: Node[]; close(): Promise<void> };

/** True when this file runs on PostgreSQL (vitest.pg.config.ts); PGlite has one owning process. */
export const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

export const SKIP_REASON =
  "needs PostgreSQL (several processes on one database): runs in the PostgreSQL suite, `npx vitest run --config vitest.pg.config.ts tests/scale-out`; skipped on PGlite, which one process owns";

/** Starts one process (gatehouse-process.ts) with `env` added; resolves once it listens. */
export function startNode(index: number, env: Record<string, string>): Promise<Node> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Not a Vitest worker: the route server must not register test hooks or check contracts there.
  delete childEnv.VITEST;
  delete childEnv.VITEST_WORKER_ID;
  delete childEnv.VITEST_POOL_ID;
  const child = spawn(process.execPath, ["--import", "tsx", "tests/scale-out/gatehouse-process.ts"], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err = (err + d).slice(-20_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`process ${index} did not start within 90 s: ${err}`));
    }, 90_000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`process ${index} exited (${code ?? signal}) before it was ready: ${err}`));
    });
    let memory: Memory | undefined;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("@@ ")) return;
      const m = JSON.parse(line.slice(3)) as { ready?: boolean; origin: string; pid: number; memory?: Memory };
      if (m.memory) memory = m.memory;
      if (!m.ready) return;
      clearTimeout(timer);
      resolve({ index, origin: m.origin, pid: m.pid, process: child, stderr: () => err, memory: () => memory });
    });
  });
}

/** Starts `size` processes with `env` and a round-robin proxy in front of them. */
export async function startCluster(size: number, env: Record<string, string> = {}): Promise<Cluster> {
  const nodes = await Promise.all(Array.from({ length: size }, (_, i) => startNode(i, env)));
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = http.createServer((req, res) => {
    // Round robin over the processes still running; a request refused by a dead one goes to the next.
    const attempt = (tries: number) => {
      const live = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
      if (!live.length || tries > nodes.length) {
        res.writeHead(502).end();
        return;
      }
      const node = live[next++ % live.length]!;
      const target = new URL(node.origin);
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (r) => {
          res.writeHead(r.statusCode ?? 502, { ...r.headers, "x-scale-node": String(node.index) });
          r.pipe(res);
        },
      );
      up.on("error", () => (res.headersSent ? res.destroy() : attempt(tries + 1)));
      up.end(body);
    };
    const chunks: Buffer[] = [];
    let body: Buffer;
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      body = Buffer.concat(chunks);
      attempt(0);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    nodes,
    close: async () => {
      for (const n of nodes) if (n.process.exitCode === null && n.process.signalCode === null) n.process.kill("SIGKILL");
      agent.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}

/** Waits until the current fixed window (aligned to the epoch) has at least `seconds` left. */
export async function awayFromWindowEnd(seconds: number, windowMs = 60_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}
