// The crash: deliveries run in their own process (lib/deliveries/testing-delivery-child.ts: what
// `npm start` runs for them, on a file-backed PGlite), 20 of them fail their first attempts at a
// receiver here that answers 500, and with their retries waiting the process is killed with
// SIGKILL. A new process on the same data directory finishes them once the receiver answers
// 200: every delivery ends succeeded, none is lost, and each is received with a 2xx exactly once.
// PGlite only (a data directory shared by two processes in turn); skipped on PostgreSQL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";

const onPostgres = !!process.env.GATEHOUSE_TEST_PG_URL || (process.env.DATABASE_URL?.startsWith("postgres") ?? false);
const EVENTS = 20;

type Status = {
  deliveries: {
    id: string;
    status: string;
    attempts: number;
    nextAttemptAt: string | null;
    attemptLog: { number: number; responseStatus: number | null; error: string | null }[];
  }[];
};

type Child = {
  process: ChildProcess;
  queued: string[];
  status(): Promise<Status>;
  stderr(): string;
};

const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-delivery-crash-"));
const children: ChildProcess[] = [];
let receiver: Receiver | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a delivery process on `dataDir`; resolves once it runs (and has queued its events, if asked to). */
function spawnChild(extraEnv: Record<string, string>): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extraEnv,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_RETRY_SCHEDULE: "2s,2s,2s,2s", // 5 attempts, 2 s apart
    // The subject is each delivery's own retries across a crash: the circuit breaker (which
    // would hold all 20 once the receiver keeps failing) is out of the way.
    GATEHOUSE_CIRCUIT_FAILURES: "1000",
    GATEHOUSE_ALLOW_PRIVATE_URLS: "1",
  };
  delete env.DATABASE_URL; // the file-backed PGlite in dataDir, like `npm start`
  for (const k of ["GATEHOUSE_EXECUTOR_URL", "GATEHOUSE_EXECUTOR_SIGNING_KEY", "GATEHOUSE_EXECUTOR_EVENT_KEY", "GATEHOUSE_EXECUTOR_PORT"]) delete env[k];
  const child = spawn(process.execPath, ["--import", "tsx", "lib/deliveries/testing-delivery-child.ts"], { env, stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d) => (err = (err + d).slice(-20_000)));
  const messages: unknown[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("@@ ")) return;
    messages.push(JSON.parse(line.slice(3)));
    for (const l of listeners) l();
  });
  /** The next message (after those already taken) matching `pick`, within `timeoutMs`. */
  const next = <T,>(pick: (m: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const i = messages.findIndex((m) => pick(m as Record<string, unknown>));
        if (i < 0) return;
        const [m] = messages.splice(i, 1);
        done();
        resolve(m as T);
      };
      const onExit = () => {
        done();
        reject(new Error(`delivery process exited (${child.exitCode ?? child.signalCode}) before ${what}: ${err}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} from the delivery process within ${timeoutMs} ms: ${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off("exit", onExit);
      };
      listeners.add(check);
      child.once("exit", onExit);
      check();
    });
  return next<{ queued: string[] }>((m) => m.ready === true, 120_000, "start-up").then(({ queued }) => ({
    process: child,
    queued,
    status: () => {
      child.stdin!.write("status\n");
      return next<Status>((m) => "deliveries" in m, 30_000, "status");
    },
    stderr: () => err,
  }));
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe.skipIf(onPostgres)("deliveries across a crash of the delivery process", () => {
  it("finishes every delivery exactly once after a SIGKILL while retries wait", async () => {
    receiver = await startReceiver();
    let answering = 500;
    const answered: { id: string; status: number }[] = [];
    receiver.respondWith((req) => {
      answered.push({ id: String(req.headers["webhook-id"]), status: answering });
      return { status: answering, body: answering === 500 ? "not yet" : "ok" };
    });

    // First process: queues 20 events; every first attempt gets a 500.
    const first = await spawnChild({ GATEHOUSE_TEST_RECEIVER_URL: receiver.url, GATEHOUSE_TEST_EVENTS: String(EVENTS) });
    const ids = first.queued;
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    // Each delivery tried and recorded, each waiting for its retry.
    const waiting = await waitFor(
      async () => {
        const s = await first.status();
        const mine = s.deliveries.filter((d) => ids.includes(d.id));
        return mine.length === EVENTS && mine.every((d) => d.status === "pending" && d.attempts >= 1 && d.nextAttemptAt) ? mine : null;
      },
      60_000,
      "every delivery to be attempted and waiting for a retry",
    );
    await kill(first.process);
    const sentBeforeCrash = answered.length;
    expect(sentBeforeCrash).toBeGreaterThanOrEqual(EVENTS);
    expect(answered.every((a) => a.status === 500)).toBe(true);
    for (const d of waiting) expect(d.attemptLog.every((a) => a.responseStatus === 500)).toBe(true);
    expect(waiting.every((d) => d.attempts < 5)).toBe(true); // retries were left when it died

    // The receiver recovers; a new process on the same data directory takes over.
    answering = 200;
    const second = await spawnChild({});
    expect(second.queued).toEqual([]); // it queues nothing itself: it only resumes
    const final = await waitFor(
      async () => {
        const s = await second.status();
        const mine = s.deliveries.filter((d) => ids.includes(d.id));
        return mine.length === EVENTS && mine.every((d) => d.status !== "pending") ? s : null;
      },
      120_000,
      "every delivery to finish after the restart",
    );

    // None lost, none extra: the same 20 deliveries, all succeeded.
    expect(final.deliveries.map((d) => d.id).sort()).toEqual([...ids].sort());
    for (const d of final.deliveries) {
      expect(d.status).toBe("succeeded");
      expect(d.attemptLog.at(-1)!.responseStatus).toBe(200);
      expect(d.attemptLog.slice(0, -1).every((a) => a.responseStatus === 500)).toBe(true);
      expect(d.attemptLog.map((a) => a.number)).toEqual(d.attemptLog.map((_, i) => i + 1));
      expect(d.attempts).toBe(d.attemptLog.length);
    }
    // The receiver's view: each webhook-id answered 2xx exactly once, and nothing it does not know.
    const ok = answered.filter((a) => a.status === 200).map((a) => a.id);
    expect(ok.sort()).toEqual([...ids].sort());
    expect(new Set(answered.map((a) => a.id))).toEqual(new Set(ids));
    // A moment later still nothing more arrives (no run left to send again).
    const settled = answered.length;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(answered.length).toBe(settled);
    await kill(second.process);
  }, 420_000); // two cold process starts (tsx, PGlite on disk) on a loaded machine
});
