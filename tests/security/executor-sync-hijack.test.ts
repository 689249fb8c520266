// Finding 1 of the security issue: anyone could re-point the embedded executor. An unsigned
// `PUT /api/inngest` with a forged Host made the SDK register that host with the executor, which
// then sent every org's runs (and the deliveries they sign) there. This serves the app's real
// serve route the worst way (the request URL built from the Host header, as the lean layer once
// did) and attacks it: the executor must only ever call the serve URL it was started with.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import * as route from "@/app/api/inngest/route";
import { registerDeliveryDispatcher } from "@/inngest/dispatch";
import { embeddedKeys } from "@/inngest/engine/embedded-config";
import { Executor } from "@/inngest/engine/executor";
import { startEngine, type Engine } from "@/inngest/start-engine";
import { silentLogger, waitFor } from "@/inngest/engine/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

type Handler = (req: Request) => Promise<Response>;

/** Serves `handlers` on loopback with the request URL taken from the Host header (the worst case). */
async function serveFromHost(handlers: Record<string, Handler>) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const handler = handlers[req.method ?? "GET"];
    if (!handler) return void res.writeHead(405).end();
    const response = await handler(
      new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An HTTP request with a Host header of our choosing (fetch never sends one). */
function rawRequest(url: string, opts: { method: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method, headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

let app: Awaited<ReturnType<typeof serveFromHost>>;
let engine: Engine;
let receiver: Receiver;
let attacker: Receiver;
let serveUrl: string;
let orgId: string;

beforeAll(async () => {
  app = await serveFromHost({ GET: route.GET as Handler, POST: route.POST as Handler, PUT: route.PUT as Handler });
  serveUrl = `${app.origin}/api/inngest`;
  engine = await startEngine({ serveUrl, pollIntervalMs: 50, logger: silentLogger });
  await engine.ready;
  registerDeliveryDispatcher();
  receiver = await startReceiver();
  attacker = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "Sync hijack" } })).id;
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await app?.close();
  await receiver?.close();
  await attacker?.close();
});

const storedUrls = async () => (await db.engineFunction.findMany()).map((f) => new URL(f.url).origin);

it("refuses an unsigned sync with a forged Host, and nothing it names is stored", async () => {
  const attackerHost = new URL(attacker.url).host;
  const res = await rawRequest(serveUrl, { method: "PUT", headers: { host: attackerHost } });
  expect(res.status).toBe(401);
  expect(res.body).not.toContain("Successfully registered");
  const urls = await storedUrls();
  expect(urls.length).toBeGreaterThan(0);
  expect(new Set(urls)).toEqual(new Set([app.origin]));
});

/** POST /fn/register as the SDK would, with the signing key, naming the attacker's URL for every function. */
async function registerAttackerUrl() {
  const key = embeddedKeys().signingKey;
  const prefix = /^signkey-[\w]+-/.exec(key)![0];
  const auth = prefix + createHash("sha256").update(Buffer.from(key.slice(prefix.length), "hex")).digest("hex");
  const functions = (await db.engineFunction.findMany()).map((fn) => {
    const config = structuredClone(fn.config) as { steps: Record<string, { runtime: { url: string } }> };
    for (const step of Object.values(config.steps)) step.runtime.url = `${attacker.url}/api/inngest?fnId=${fn.id}&stepId=step`;
    return config;
  });
  return fetch(`${engine.url}/fn/register`, {
    method: "POST",
    headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
    body: JSON.stringify({ appName: "gatehouse", url: `${attacker.url}/api/inngest`, functions }),
  });
}

it("refuses a register (even one carrying the signing key) that names another serve URL", async () => {
  const res = await registerAttackerUrl();
  expect(res.status).toBe(400);
  expect(new Set(await storedUrls())).toEqual(new Set([app.origin]));
});

it("calls only its own serve URL, even when another URL was planted in the database", async () => {
  await registerAttackerUrl();
  // A URL planted in the database (by an earlier attack, or by hand) is not followed either.
  await db.engineFunction.updateMany({ data: { url: `${attacker.url}/api/inngest?fnId=x&stepId=step` } });
  const { endpoint } = await createEndpoint({
    orgId,
    environment: "test",
    name: "victim",
    url: `${receiver.url}/hook`,
    eventTypes: [],
    fields: ENDPOINTS_FIELDS,
    ctx: { actor: { type: "system", id: null, label: "test" } },
  });
  await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { n: 1 } });
  await receiver.waitFor(1, 30_000);
  const delivery = await waitFor(
    () => db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
    30_000,
    "the delivery to succeed",
  );
  expect(delivery.attempts).toBe(1);
  expect(attacker.requests).toHaveLength(0);
});

it("does not trust a sync reply that the app did not sign", async () => {
  // An impostor at the serve URL answers the in-band sync with functions of its choosing.
  const [fn] = await db.engineFunction.findMany({ take: 1 });
  const impostor = await serveFromHost({
    PUT: async () =>
      new Response(JSON.stringify({ app_id: "gatehouse", url: "x", functions: [fn!.config] }), {
        headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band", "x-inngest-signature": "t=1&s=00" },
      }),
  });
  try {
    const executor = new Executor({ serveUrl: `${impostor.origin}/api/inngest`, signingKey: embeddedKeys().signingKey, logger: silentLogger });
    await expect(executor.sync()).rejects.toThrow(/not signed/);
  } finally {
    await impostor.close();
  }
});

it("answers a sync whose body is not JSON with 400, not a dropped connection or a 500", async () => {
  const res = await rawRequest(serveUrl, { method: "PUT", headers: { "content-type": "application/json", authorization: "Bearer x" }, body: "{nope" });
  expect(res.status).toBe(400);
  const post = await rawRequest(`${serveUrl}?fnId=x&stepId=step`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
  expect(post.status).toBe(400);
});
