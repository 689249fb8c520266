// Contract tests: the exact shapes of the inngest SDK's protocol that the embedded executor
// relies on. They talk to the real SDK serve handler; if an `inngest` upgrade changes the sync
// payload, the op codes or the retry headers, these fail before production does.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NonRetriableError, RetryAfterError, cron, eventType, version } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { embeddedKeys, setEmbeddedExecutorUrl } from "@/inngest/engine/embedded-config";
import { runtime } from "@/lib/runtime/runtime";
import { inBandSyncSchema, registerSchema } from "@/inngest/engine/protocol";
import { canonicalJson, signatureHeader } from "@/inngest/engine/signing";
import { serveFunctions } from "@/inngest/engine/testing";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const ping = eventType("contract/ping");

const functions = [
  inngest.createFunction(
    {
      id: "configured",
      name: "Configured",
      retries: 7,
      concurrency: { limit: 2, key: "event.data.endpointId" },
      idempotency: "event.data.deliveryId",
      triggers: [ping],
      onFailure: async () => {},
    },
    async () => "ok",
  ),
  inngest.createFunction(
    { id: "batched", retries: 0, batchEvents: { maxSize: 100, timeout: "1s", key: "event.data.endpointId" }, triggers: [ping] },
    async ({ events }) => events.length,
  ),
  inngest.createFunction({ id: "sweeper", retries: 0, triggers: [cron("*/5 * * * *")] }, async () => "swept"),
  inngest.createFunction({ id: "one-step", retries: 0, triggers: [ping] }, async ({ step }) => {
    const a = await step.run("a", () => 1);
    return { a };
  }),
  inngest.createFunction({ id: "parallel", retries: 0, triggers: [ping] }, async ({ step }) => {
    await Promise.all([step.run("x", () => "x"), step.run("y", () => "y")]);
  }),
  inngest.createFunction({ id: "sleepy", retries: 0, triggers: [ping] }, async ({ step }) => {
    await step.sleep("nap", "90s");
  }),
  inngest.createFunction({ id: "step-throws", retries: 2, triggers: [ping] }, async ({ step }) => {
    await step.run("boom", () => {
      throw new Error("kaput");
    });
  }),
  inngest.createFunction({ id: "step-retry-after", retries: 2, triggers: [ping] }, async ({ step }) => {
    await step.run("busy", () => {
      throw new RetryAfterError("busy", "5s");
    });
  }),
  inngest.createFunction({ id: "fn-throws", retries: 2, triggers: [ping] }, async () => {
    throw new Error("outside any step");
  }),
  inngest.createFunction({ id: "fn-fatal", retries: 2, triggers: [ping] }, async () => {
    throw new NonRetriableError("never again");
  }),
];

let app: Awaited<ReturnType<typeof serveFunctions>>;
beforeAll(async () => {
  app = await serveFunctions(inngest, functions);
});
afterAll(() => app?.close());

/** A signed request to the serve endpoint, as the executor makes it. */
async function signed(method: "PUT" | "POST", url: string, payload: unknown, headers: Record<string, string> = {}) {
  const body = canonicalJson(payload);
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, embeddedKeys().signingKey), ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function call(fn: string, opts: { stepId?: string; attempt?: number; maxAttempts?: number; steps?: Record<string, unknown> } = {}) {
  const steps = opts.steps ?? {};
  return signed("POST", `${app.url}?fnId=gatehouse-${fn}&stepId=${opts.stepId ?? "step"}`, {
    event: { name: "contract/ping", data: {}, id: "e1", ts: 1 },
    events: [{ name: "contract/ping", data: {}, id: "e1", ts: 1 }],
    steps,
    ctx: {
      run_id: "01TESTRUN",
      attempt: opts.attempt ?? 0,
      max_attempts: opts.maxAttempts ?? 1,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
    },
    version: 2,
  });
}

describe("inngest SDK protocol contract", () => {
  it("is the SDK version these contracts were written against", () => {
    expect(version).toBe("4.24.0");
  });

  it("returns function configs in an in-band sync", async () => {
    const res = await signed("PUT", app.url, { url: app.url }, { "x-inngest-sync-kind": "in_band" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-inngest-sync-kind")).toBe("in_band");
    const reply = inBandSyncSchema.parse(res.body);
    expect(reply.app_id).toBe("gatehouse");
    expect(reply.url).toBe(app.url);
    const byId = new Map(reply.functions.map((f) => [f.id, f]));
    const stepUrl = (id: string) => `${app.url}?fnId=${id}&stepId=step`;

    expect(JSON.parse(JSON.stringify(byId.get("gatehouse-configured")))).toEqual({
      id: "gatehouse-configured",
      name: "Configured",
      triggers: [{ event: "contract/ping" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: stepUrl("gatehouse-configured") }, retries: { attempts: 7 } } },
      idempotency: "event.data.deliveryId",
      concurrency: { limit: 2, key: "event.data.endpointId" },
    });
    expect(byId.get("gatehouse-configured-failure")).toEqual({
      id: "gatehouse-configured-failure",
      name: "Configured (failure)",
      triggers: [{ event: "inngest/function.failed", expression: "event.data.function_id == 'gatehouse-configured'" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: stepUrl("gatehouse-configured-failure") }, retries: { attempts: 1 } } },
    });
    expect(byId.get("gatehouse-sweeper")!.triggers).toEqual([{ cron: "*/5 * * * *" }]);
    // The executor batches by these fields (executor.ts batchKey, keepsFilling; store.absorbBatch).
    expect(byId.get("gatehouse-batched")!.batchEvents).toEqual({ maxSize: 100, timeout: "1s", key: "event.data.endpointId" });
  });

  it("POSTs /fn/register with the hashed signing key in an out-of-band sync", async () => {
    const received: { auth?: string; body?: unknown }[] = [];
    const recorder = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        if (req.url === "/fn/register") received.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((r) => recorder.listen(0, "127.0.0.1", r));
    const previous = runtime().executor.url;
    setEmbeddedExecutorUrl(`http://127.0.0.1:${(recorder.address() as AddressInfo).port}`);
    // serve() fixes its register URL when constructed, so build it after pointing the client.
    const late = await serveFunctions(inngest, functions);
    try {
      const res = await signed("PUT", late.url, { url: late.url });
      expect(res.status).toBe(200);
      expect(received).toHaveLength(1);
      const key = embeddedKeys().signingKey.replace(/^signkey-embedded-/, "");
      expect(received[0]!.auth).toBe(`Bearer signkey-embedded-${createHash("sha256").update(Buffer.from(key, "hex")).digest("hex")}`);
      const body = received[0]!.body as Record<string, unknown>;
      expect(body).toMatchObject({ appName: "gatehouse", url: late.url, deployType: "ping", framework: "nodejs", sdk: `js:v${version}`, v: "0.1" });
      expect(registerSchema.parse(body).functions.map((f) => f.id)).toContain("gatehouse-configured-failure");
    } finally {
      setEmbeddedExecutorUrl(previous);
      await late.close();
      await new Promise<void>((r) => recorder.close(() => r()));
    }
  });

  it("runs a lone step at once and answers 206 [StepRun], then 200 with the result", async () => {
    const first = await call("one-step");
    expect(first.status).toBe(206);
    expect(first.body).toHaveLength(1);
    expect(first.body[0]).toMatchObject({ op: "StepRun", id: sha1("a"), data: 1 });

    const done = await call("one-step", { steps: { [sha1("a")]: { type: "data", data: 1 } } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ a: 1 });
  });

  it("plans parallel steps as StepPlanned and runs one when asked by stepId", async () => {
    const res = await call("parallel");
    expect(res.status).toBe(206);
    expect(res.body.map((o: { op: string; id: string }) => [o.op, o.id])).toEqual([
      ["StepPlanned", sha1("x")],
      ["StepPlanned", sha1("y")],
    ]);
    const one = await call("parallel", { stepId: sha1("y") });
    expect(one.status).toBe(206);
    expect(one.body[0]).toMatchObject({ op: "StepRun", id: sha1("y"), data: "y" });
  });

  it("reports a sleep as a Sleep op with the duration in its name", async () => {
    const res = await call("sleepy");
    expect(res.status).toBe(206);
    expect(res.body[0]).toMatchObject({ op: "Sleep", id: sha1("nap"), name: "1m30s" });
  });

  it("reports a throwing step as StepError (retriable), then StepFailed on the last attempt", async () => {
    const early = await call("step-throws", { attempt: 0, maxAttempts: 3 });
    expect(early.status).toBe(206);
    expect(early.headers.get("x-inngest-no-retry")).toBe("false");
    expect(early.body[0]).toMatchObject({ op: "StepError", id: sha1("boom"), error: { name: "Error", message: "kaput" } });

    const last = await call("step-throws", { attempt: 2, maxAttempts: 3 });
    expect(last.status).toBe(206);
    expect(last.headers.get("x-inngest-no-retry")).toBe("true");
    expect(last.body[0]).toMatchObject({ op: "StepFailed", id: sha1("boom"), error: { message: "kaput" } });
  });

  it("sends RetryAfterError's delay as a retry-after header in seconds", async () => {
    const res = await call("step-retry-after", { attempt: 0, maxAttempts: 3 });
    expect(res.status).toBe(206);
    expect(res.body[0]).toMatchObject({ op: "StepError", id: sha1("busy") });
    expect(res.headers.get("retry-after")).toBe("5");
  });

  it("answers 500 + no-retry false for a function error, 400 + no-retry true for NonRetriableError", async () => {
    const retriable = await call("fn-throws", { maxAttempts: 3 });
    expect(retriable.status).toBe(500);
    expect(retriable.headers.get("x-inngest-no-retry")).toBe("false");
    expect(retriable.body).toMatchObject({ name: "Error", message: "outside any step" });

    const fatal = await call("fn-fatal", { maxAttempts: 3 });
    expect(fatal.status).toBe(400);
    expect(fatal.headers.get("x-inngest-no-retry")).toBe("true");
    expect(fatal.body).toMatchObject({ name: "NonRetriableError", message: "never again" });
  });
});
