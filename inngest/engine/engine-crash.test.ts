// The real crash: the engine runs in its own process on a file-backed PGlite, is killed with
// SIGKILL while a run sleeps, and a new process on the same data directory finishes the run.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { eventType } from "inngest";
import { serve } from "inngest/node";
import { afterAll, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { embeddedKeys, setEmbeddedExecutorUrl } from "@/inngest/engine/embedded-config";
import { waitFor } from "@/inngest/engine/testing";

const nap = eventType("crash/nap");
const ran: Record<string, number[]> = { before: [], after: [] };
const fn = inngest.createFunction({ id: "crash-nap", retries: 0, triggers: [nap] }, async ({ step }) => {
  await step.run("before", () => ran.before!.push(Date.now()));
  await step.sleep("nap", "5s");
  await step.run("after", () => ran.after!.push(Date.now()));
});

const handler = serve({ client: inngest, functions: [fn] });
const app = http.createServer((req, res) => handler(req, res));
const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-engine-crash-"));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await new Promise<void>((r) => app.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

type Engine = { child: ChildProcess; url: string; lines: Record<string, unknown>[] };

/** Starts the engine in a child process; `lines` collects the JSON lines it prints (testing-child.ts). */
function spawnEngine(serveUrl: string): Promise<Engine> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...embeddedKeysEnv(), GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_TEST_SERVE_URL: serveUrl };
  delete env.DATABASE_URL; // file-backed PGlite in dataDir, like `npm start`
  const child = spawn(process.execPath, ["--import", "tsx", "inngest/engine/testing-child.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`engine did not start: ${err}`)), 60_000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const complete = out.split("\n");
      out = complete.pop()!;
      for (const l of complete) if (l.startsWith("{")) lines.push(JSON.parse(l));
      const started = lines.find((l) => typeof l.url === "string");
      if (started) {
        clearTimeout(timer);
        resolve({ child, url: started.url as string, lines });
      }
    });
    child.on("exit", (code) => reject(new Error(`engine exited with ${code}: ${err}`)));
  });
}

function embeddedKeysEnv() {
  const { signingKey, eventKey } = embeddedKeys();
  return { GATEHOUSE_EXECUTOR_SIGNING_KEY: signingKey, GATEHOUSE_EXECUTOR_EVENT_KEY: eventKey };
}

it("finishes a sleeping run after the engine process is killed with SIGKILL and started again", async () => {
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const serveUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;

  const first = await spawnEngine(serveUrl);
  setEmbeddedExecutorUrl(first.url); // this process sends to the child's executor
  await inngest.send(nap.create());
  await waitFor(async () => ran.before!.length === 1, 15_000, "the first step");
  // The engine reports when the run's sleep is stored, the first step's result with it: no
  // sooner may the crash come (a fixed wait lost the race on a loaded machine, and the step ran
  // twice), and before the sleep ends (5 s) it must.
  const stored = await waitFor(async () => first.lines.find((l) => l.sleeping), 15_000, "the sleep stored by the engine");
  expect(stored.sleeping).toMatchObject({ memoized: 1 });

  first.child.kill("SIGKILL");
  await new Promise((r) => first.child.once("exit", r));
  expect(ran.after).toHaveLength(0); // killed before the run went on

  const second = await spawnEngine(serveUrl);
  setEmbeddedExecutorUrl(second.url);
  await waitFor(async () => ran.after!.length === 1, 20_000, "the step after the sleep");
  expect(ran.before).toHaveLength(1); // memoized in the database, not run again
  expect(ran.after![0]! - ran.before![0]!).toBeGreaterThanOrEqual(5_000);
  second.child.kill("SIGKILL");
}, 150_000); // two cold process starts (tsx, PGlite on disk): slow on a loaded machine
