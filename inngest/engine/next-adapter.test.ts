// The app mounts `serve` from "inngest/next" (app/api/inngest/route.ts); this runs the engine
// against that adapter, bridged from Node's http server to Web Requests as Next.js does.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eventType } from "inngest";
import { serve } from "inngest/next";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { startEngine, type Engine } from "@/inngest/start-engine";
import { listRuns } from "@/inngest/engine/store";
import { silentLogger, waitFor } from "@/inngest/engine/testing";

const hello = eventType("next/hello");
const fn = inngest.createFunction({ id: "next-hello", retries: 1, triggers: [hello] }, async ({ step, attempt }) => {
  const greeting = await step.run("greet", () => {
    if (attempt === 0) throw new Error("cold start");
    return "hello";
  });
  await step.sleep("pause", "1s");
  return step.run("shout", () => greeting.toUpperCase());
});
const route = serve({ client: inngest, functions: [fn] });

const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: req.method === "GET" ? undefined : Buffer.concat(chunks),
  });
  const handler = route[req.method as "GET" | "POST" | "PUT"] as (r: Request) => Promise<Response>;
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
let engine: Engine | undefined;

afterAll(async () => {
  await engine?.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const serveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  engine = await startEngine({ serveUrl, pollIntervalMs: 50, backoff: () => 200, logger: silentLogger });
  await engine.ready;
});

it("runs a function served by inngest/next: retry, sleep, steps", async () => {
  await inngest.send(hello.create());
  const run = await waitFor(async () => {
    const [r] = await listRuns("gatehouse-next-hello");
    return r && r.status !== "running" && r.status !== "queued" ? r : undefined;
  }, 12_000, "the run");
  expect(run.status).toBe("completed");
  expect(run.output).toBe("HELLO");
  expect(run.stack).toHaveLength(3);
});
