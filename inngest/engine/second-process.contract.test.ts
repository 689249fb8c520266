// Contract: Gatehouse as N processes on one Inngest server (Cloud or self-hosted `inngest start`),
// pinned to the SDK version it was written against. Two real processes (testing-app-child.ts:
// the real /api/inngest route, configured from the environment exactly as production is) stand
// behind one serve origin. Inngest must see one app whichever process it reaches: the same
// function configs (so the concurrency keys are counted by Inngest across all processes), the
// same registered URL (the load balancer's, never a request's Host), and any step of a run
// answered by any process, since the run's state travels in each call.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { version } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inBandSyncSchema } from "@/inngest/engine/protocol";
import { canonicalJson, signatureHeader } from "@/inngest/engine/signing";
import { waitFor } from "@/inngest/engine/testing";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const SIGNING_KEY = `signkey-prod-${randomBytes(32).toString("hex")}`;
const EVENT_KEY = randomBytes(16).toString("hex");
/** The load balancer's origin in front of both processes; nothing listens there, nothing calls it. */
const SERVE_ORIGIN = "http://gatehouse.lb.test:8080";

type Proc = { child: ChildProcess; port: number; pid: number; origin: string };
const procs: Proc[] = [];
const registered: { auth?: string; body: { url: string; appName: string; functions: { id: string }[] } }[] = [];
let inngestApi: http.Server;

/** Stands in for the Inngest server's API (INNGEST_BASE_URL): records out-of-band syncs. */
async function startInngestApi(): Promise<string> {
  inngestApi = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      if (req.url === "/fn/register") registered.push({ auth: req.headers.authorization, body: JSON.parse(data) });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, modified: true }));
    });
  });
  await new Promise<void>((r) => inngestApi.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(inngestApi.address() as AddressInfo).port}`;
}

async function startProcess(baseUrl: string): Promise<Proc> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    INNGEST_SIGNING_KEY: SIGNING_KEY,
    INNGEST_EVENT_KEY: EVENT_KEY,
    INNGEST_BASE_URL: baseUrl,
    INNGEST_SERVE_ORIGIN: SERVE_ORIGIN,
  };
  for (const k of Object.keys(env)) if (k.startsWith("GATEHOUSE_EXECUTOR_") || k === "INNGEST_DEV") delete env[k];
  const child = spawn(process.execPath, ["--import", "tsx", "inngest/engine/testing-app-child.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const line = await waitFor(async () => out.split("\n").find((l) => l.startsWith("{")) ?? (child.exitCode !== null ? `exit:${err}` : undefined), 60_000, "the app process to listen");
  if (line.startsWith("exit:")) throw new Error(`the app process exited: ${line.slice(5)}`);
  const { port, pid } = JSON.parse(line) as { port: number; pid: number };
  const p = { child, port, pid, origin: `http://127.0.0.1:${port}` };
  procs.push(p);
  return p;
}

beforeAll(async () => {
  const baseUrl = await startInngestApi();
  await Promise.all([startProcess(baseUrl), startProcess(baseUrl)]);
}, 120_000);

afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await new Promise<void>((r) => (inngestApi ? inngestApi.close(() => r()) : r()));
});

/** A request as the Inngest server makes it: canonical JSON, signed with the shared key (or `key`). */
async function signed(method: "PUT" | "POST", url: string, payload: unknown, opts: { headers?: Record<string, string>; key?: string | null } = {}) {
  const body = canonicalJson(payload);
  const key = opts.key === undefined ? SIGNING_KEY : opts.key;
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(key ? { "x-inngest-signature": signatureHeader(body, key) } : {}), ...opts.headers },
    body,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json as never };
}

function call(p: Proc, steps: Record<string, unknown>, key?: string | null) {
  const event = { name: "contract/two-steps", data: { n: 21 }, id: "01EVENT", ts: 1 };
  return signed(
    "POST",
    `${p.origin}/contract/inngest?fnId=gatehouse-contract-two-steps&stepId=step`,
    {
      event,
      events: [event],
      steps,
      ctx: {
        run_id: "01RUNACROSSPROCESSES",
        attempt: 0,
        max_attempts: 2,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
      },
      version: 2,
    },
    { key },
  );
}

describe("inngest SDK contract: a second process serving the same app", () => {
  it("is the SDK version these contracts were written against", () => {
    expect(version).toBe("4.24.0");
  });

  it("answers a signed in-band sync with the same app on every process, at the load balancer's origin", async () => {
    const replies = [];
    for (const p of procs) {
      // Inngest sends the URL it reached the app at: the load balancer's.
      const res = await signed("PUT", `${p.origin}/api/inngest`, { url: `${SERVE_ORIGIN}/api/inngest` }, { headers: { "x-inngest-sync-kind": "in_band" } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      replies.push(inBandSyncSchema.parse(res.body));
    }
    const [a, b] = replies;
    expect(a!.app_id).toBe("gatehouse");
    expect(a!.url).toBe(`${SERVE_ORIGIN}/api/inngest`);
    // One app: Inngest keeps one config, whichever process synced last.
    expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(a)));
    for (const f of a!.functions) {
      for (const s of Object.values(f.steps)) expect((s as { runtime: { url: string } }).runtime.url.startsWith(`${SERVE_ORIGIN}/api/inngest?`)).toBe(true);
    }
    // The keys Inngest counts over every process's runs: 10 per endpoint, the org's share; and on
    // Inngest no batching (its servers ignore concurrency keys on batched functions).
    const deliver = a!.functions.find((f) => f.id === "gatehouse-deliver-webhook")!;
    expect(deliver.concurrency).toEqual([
      { limit: 10, key: "event.data.endpointId" },
      { limit: Number(process.env.GATEHOUSE_ORG_CONCURRENCY || 25), key: "event.data.orgId" },
    ]);
    expect(deliver.batchEvents).toBeUndefined();
    expect(a!.functions.map((f) => f.id)).toEqual(
      expect.arrayContaining(["gatehouse-deliver-webhook", "gatehouse-deliver-webhook-failure", "gatehouse-sweep-deliveries"]),
    );
  });

  it("registers the configured origin from every process on an unsigned sync, whatever Host the request names", async () => {
    registered.length = 0;
    for (const p of procs) {
      const res = await fetch(`${p.origin}/api/inngest`, { method: "PUT", headers: { host: "attacker.example", "x-forwarded-host": "attacker.example" } });
      expect(res.status).toBe(200);
    }
    expect(registered).toHaveLength(2);
    const hashed = `Bearer signkey-prod-${createHash("sha256").update(Buffer.from(SIGNING_KEY.replace(/^signkey-prod-/, ""), "hex")).digest("hex")}`;
    for (const r of registered) {
      expect(r.body.url).toBe(`${SERVE_ORIGIN}/api/inngest`);
      expect(r.body.appName).toBe("gatehouse");
      expect(r.auth).toBe(hashed);
    }
    expect(registered[1]!.body.functions).toEqual(registered[0]!.body.functions);
  });

  it("continues a run on the other process: the run's state travels in each call", async () => {
    const [a, b] = procs as [Proc, Proc];
    const first = await call(a, {});
    expect(first.status).toBe(206);
    const op1 = (first.body as { op: string; id: string; data: unknown }[])[0]!;
    expect(op1).toMatchObject({ op: "StepRun", id: sha1("first"), data: { servedBy: a.pid, n: 21 } });

    const second = await call(b, { [sha1("first")]: { type: "data", data: op1.data } });
    expect(second.status).toBe(206);
    const op2 = (second.body as { op: string; id: string; data: unknown }[])[0]!;
    expect(op2).toMatchObject({ op: "StepRun", id: sha1("second"), data: { servedBy: b.pid, double: 42 } });

    const done = await call(a, { [sha1("first")]: { type: "data", data: op1.data }, [sha1("second")]: { type: "data", data: op2.data } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ first: { servedBy: a.pid, n: 21 }, second: { servedBy: b.pid, double: 42 } });
  });

  it("refuses, on every process, a call signed with another key or not signed", async () => {
    for (const p of procs) {
      expect((await call(p, {}, `signkey-prod-${randomBytes(32).toString("hex")}`)).status).toBe(401);
      expect((await call(p, {}, null)).status).toBe(401);
      const sync = await signed("PUT", `${p.origin}/api/inngest`, { url: "http://attacker.example/api/inngest" }, { headers: { "x-inngest-sync-kind": "in_band" }, key: `signkey-prod-${randomBytes(32).toString("hex")}` });
      expect(sync.status).not.toBe(200);
    }
  });
});
