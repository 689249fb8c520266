// Deliveries under stress, finding 10: deleting, pausing or re-pointing an endpoint stops its
// batch in flight. A batch of 30 deliveries goes to a receiver that answers each after 300 ms
// (so sends are always in flight); once some have arrived, the endpoint is deleted / paused /
// given a new URL. No signed delivery reaches the old URL after the call returns (a request
// written before the change committed may land a few milliseconds later: SLACK_MS); the
// deliveries left are gone with the endpoint, held, or delivered to the new URL. The receiver
// runs in a worker thread with its own event loop, so the time it notes a request is not held
// back by the app's work (PGlite runs on the main thread).
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, expect, it } from "vitest";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s,1s";

import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { deleteEndpoint } from "@/lib/webhooks/delete-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { updateEndpoint } from "@/lib/webhooks/update-endpoint";

const N = 30;
const SLACK_MS = 50;
const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: { url: string; requests(): Promise<{ path: string; id: string; at: number }[]>; close(): Promise<number> };

// Notes (path, webhook-id, arrival) of each request when its body has arrived; answers 200 after 300 ms.
const RECEIVER = `
const http = require("node:http");
const { parentPort } = require("node:worker_threads");
const log = [];
const server = http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    if (req.url === "/__log") return res.end(JSON.stringify(log));
    log.push({ path: req.url, id: String(req.headers["webhook-id"]), at: Date.now() });
    setTimeout(() => { if (!res.destroyed) { res.writeHead(200); res.end("ok"); } }, 300);
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

async function startWorkerReceiver(): Promise<typeof receiver> {
  const worker = new Worker(RECEIVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once("message", resolve));
  const url = `http://127.0.0.1:${port}`;
  return { url, requests: async () => (await fetch(`${url}/__log`)).json(), close: () => worker.terminate() };
}
let orgId: string;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startWorkerReceiver();
  orgId = (await db.organization.create({ data: { name: "Endpoint changes" } })).id;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

/** An endpoint with N deliveries going out; resolves once a few have reached the receiver. */
async function busyEndpoint(name: string, throttle: { rateLimitPerSecond?: number } = {}) {
  const path = `/${name}`;
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url: `${receiver.url}${path}`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx, ...throttle });
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id });
    ids.push(...r.pendingDeliveryIds);
  }
  const few = throttle.rateLimitPerSecond ? 4 : 12;
  await waitFor(async () => (await receiver.requests()).filter((r) => r.path === path).length >= few, 20_000, "sends in flight");
  return { endpoint, ids, path };
}

/** Requests to `path` that arrived after `returnedAt` (plus the slack), once things had time to go wrong. */
async function lateRequests(path: string, returnedAt: number): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 2_500));
  return (await receiver.requests()).filter((r) => r.path === path && r.at > returnedAt + SLACK_MS).map((r) => r.id);
}

it("deleting an endpoint stops its batch in flight", async () => {
  const { endpoint, path } = await busyEndpoint("deleted");
  await deleteEndpoint({ orgId, environment: "test", id: endpoint.id, ctx });
  const returnedAt = Date.now();
  expect(await lateRequests(path, returnedAt)).toEqual([]);
  expect((await receiver.requests()).filter((r) => r.path === path).length).toBeLessThan(N);
}, 60_000);

it("pausing an endpoint stops its batch in flight, and holds what is left", async () => {
  const { endpoint, ids, path } = await busyEndpoint("paused");
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const returnedAt = Date.now();
  expect(await lateRequests(path, returnedAt)).toEqual([]);
  await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: { notIn: ["succeeded", "held"] } } })) === 0, 15_000, "the rest to be held");
  expect(await db.delivery.count({ where: { id: { in: ids }, status: "held" } })).toBeGreaterThan(0);
}, 60_000);

it("changing an endpoint's URL stops sends to the old one; the rest go to the new one", async () => {
  const { endpoint, ids, path } = await busyEndpoint("moved");
  const newPath = "/moved-here";
  await updateEndpoint({ orgId, environment: "test", id: endpoint.id, patch: { url: `${receiver.url}${newPath}` }, fields: ENDPOINTS_FIELDS, ctx });
  const returnedAt = Date.now();
  expect(await lateRequests(path, returnedAt)).toEqual([]);
  await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === N, 30_000, "every delivery to succeed");
  const atNew = new Set((await receiver.requests()).filter((r) => r.path === newPath).map((r) => r.id));
  expect(atNew.size).toBeGreaterThan(0);
}, 60_000);

it("deleting a rate-limited endpoint cancels the sends already granted a start and waiting for it", async () => {
  // At 4/s a send is claimed up to a second before its start and waits for it (the throttle's
  // horizon): at any moment a few are claimed, past every check, and not yet written. The delete
  // must cancel those too (abortEndpointSends), or they reach the deleted URL up to a second later.
  const { endpoint, path } = await busyEndpoint("deleted-throttled", { rateLimitPerSecond: 4 });
  await deleteEndpoint({ orgId, environment: "test", id: endpoint.id, ctx });
  const returnedAt = Date.now();
  expect(await lateRequests(path, returnedAt)).toEqual([]);
}, 60_000);
