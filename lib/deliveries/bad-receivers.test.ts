// Receivers that misbehave: each delivery to them goes through the real function on the embedded
// executor and must end as recorded attempts with a clear error: pending with a retry time after
// the first, failed after the last (2 attempts here), the run ended, the process unharmed.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "3s"; // 2 attempts, 3 s apart
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { MAX_RESPONSE_BODY } from "@/lib/deliveries/send-request";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const TIMEOUT_SECONDS = 1; // the least the endpoint input schema allows
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let orgId: string;
const rawServers: net.Server[] = [];

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Bad receivers" } })).id;
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  for (const s of rawServers) s.close();
});

/** A raw TCP server on loopback: `onData` sees the request's bytes as they come and may answer or cut it off. */
async function rawServer(onData: (socket: net.Socket, chunk: Buffer) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on("error", () => {});
    socket.once("data", (chunk) => onData(socket, chunk));
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, connections: () => connections };
}

type Snapshot = { status: string; attempts: number; nextAttemptAt: Date | null };

/** Sends one event to one new endpoint at `url` and follows its delivery until it ends (bounded). */
async function deliverTo(url: string, name: string) {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url, eventTypes: [], timeoutSeconds: TIMEOUT_SECONDS, fields: ENDPOINTS_FIELDS, ctx });
  const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { name }, onlyEndpointId: endpoint.id });
  const id = r.pendingDeliveryIds[0]!;
  const seen: Snapshot[] = [];
  const ended = await waitFor(
    async () => {
      const d = await db.delivery.findUniqueOrThrow({ where: { id }, include: { attemptRows: { orderBy: { number: "asc" } } } });
      const last = seen.at(-1);
      if (!last || last.status !== d.status || last.attempts !== d.attempts) seen.push({ status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt });
      return d.status === "failed" || d.status === "succeeded" ? d : null;
    },
    90_000,
    `delivery to ${name} to end`,
  );
  // No run of the function is left behind (queued, running or waiting for a retry).
  await waitFor(async () => (await db.engineRun.count({ where: { functionId: { endsWith: "deliver-webhook" }, status: { in: ["queued", "running"] } } })) === 0, 30_000, "no deliver-webhook run left");
  return { delivery: ended, seen, endpointId: endpoint.id };
}

/** Pending with a retry time after the first attempt, failed after the second, every attempt with `error`. */
function expectFailedTwice(r: Awaited<ReturnType<typeof deliverTo>>, error: RegExp, responseStatus: number | null = null) {
  const first = r.seen.find((s) => s.attempts === 1);
  expect(first).toMatchObject({ status: "pending" });
  expect(first!.nextAttemptAt).not.toBeNull();
  expect(r.delivery).toMatchObject({ status: "failed", attempts: 2, nextAttemptAt: null, lastResponseStatus: responseStatus });
  expect(r.delivery.lastError).toMatch(error);
  expect(r.delivery.completedAt).not.toBeNull();
  expect(r.delivery.attemptRows).toHaveLength(2);
  for (const a of r.delivery.attemptRows) {
    expect(a.responseStatus).toBe(responseStatus);
    if (responseStatus === null) expect(a.error).toMatch(error);
  }
}

describe("deliveries to receivers that misbehave", () => {
  it("a receiver that hangs past the endpoint's timeout: 'timeout after 1000 ms'", async () => {
    receiver.respondWith((req) => (req.path === "/hang" ? { status: 200, delayMs: 60_000 } : { status: 200 }));
    const r = await deliverTo(`${receiver.url}/hang`, "hang");
    expectFailedTwice(r, /^timeout after 1000 ms$/);
    for (const a of r.delivery.attemptRows) expect(a.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50);
    expect(receiver.requests.filter((q) => q.path === "/hang")).toHaveLength(2);
  });

  it("a receiver that sends headers and then stalls mid-body: a timeout too", async () => {
    const raw = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"ok\":"));
    const r = await deliverTo(raw.url, "stall");
    expectFailedTwice(r, /^timeout after 1000 ms$/);
  });

  it("a receiver that answers with garbage that is not HTTP", async () => {
    const raw = await rawServer((socket) => socket.end("this is not HTTP at all\r\n\r\n"));
    const r = await deliverTo(raw.url, "garbage");
    expectFailedTwice(r, /^the receiver's answer is not a valid HTTP response \(Parse Error: .+\)$/);
    expect(raw.connections()).toBe(2);
  });

  it("a redirect is not followed: a failed attempt with its status", async () => {
    receiver.respondWith((req) => (req.path === "/moved" ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 }));
    const r = await deliverTo(`${receiver.url}/moved`, "redirect");
    expectFailedTwice(r, /^HTTP 302$/, 302);
    for (const a of r.delivery.attemptRows) {
      expect(a.error).toBeNull(); // the request went through; the answer is the failure
      expect((a.responseHeaders as Record<string, string>).location).toBe(`${receiver.url}/elsewhere`);
    }
    expect(receiver.requests.filter((q) => q.path === "/moved")).toHaveLength(2);
    expect(receiver.requests.filter((q) => q.path === "/elsewhere")).toHaveLength(0);
  });

  it("a huge response body (5 MiB) is kept truncated to 16 KiB with a note", async () => {
    const size = 5 * 1024 * 1024;
    receiver.respondWith((req) => (req.path === "/huge" ? { status: 500, body: "x".repeat(size) } : { status: 200 }));
    const r = await deliverTo(`${receiver.url}/huge`, "huge");
    expectFailedTwice(r, /^HTTP 500$/, 500);
    for (const a of r.delivery.attemptRows) {
      expect(a.responseBody).toBe(`${"x".repeat(MAX_RESPONSE_BODY)}\n… (${size - MAX_RESPONSE_BODY} more bytes not kept)`);
    }
  });

  it("a response body with NUL and other binary bytes is recorded (the database's text cannot hold NUL)", async () => {
    const binary = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x41, 0x00, 0x42]);
    const raw = await rawServer((socket) => {
      socket.write(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/octet-stream\r\nContent-Length: ${binary.length}\r\nConnection: close\r\n\r\n`);
      socket.end(binary);
    });
    const r = await deliverTo(raw.url, "binary");
    expectFailedTwice(r, /^HTTP 500$/, 500);
    for (const a of r.delivery.attemptRows) {
      expect(a.responseBody).not.toContain("\u0000");
      expect(a.responseBody).toContain("A");
      expect(a.responseBody).toContain("B");
    }
  });

  it("a 2xx with a binary body is a success, sent once (recording it must not fail and resend it)", async () => {
    const raw = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
      socket.end(Buffer.from([0x4f, 0x00, 0x4b]));
    });
    const r = await deliverTo(raw.url, "binary-ok");
    expect(r.delivery).toMatchObject({ status: "succeeded", attempts: 1, lastResponseStatus: 200, lastError: null });
    expect(r.delivery.attemptRows.map((a) => a.responseBody)).toEqual(["O\uFFFDK"]);
    expect(raw.connections()).toBe(1);
  });

  it("a receiver that closes the connection mid-request: 'connection reset by the receiver'", async () => {
    const raw = await rawServer((socket) => socket.destroy());
    const r = await deliverTo(raw.url, "close");
    expectFailedTwice(r, /^connection reset by the receiver$/);
    expect(raw.connections()).toBe(2);
  });

  it("a receiver that closes the connection mid-response, after a 200 status line: not a success", async () => {
    const raw = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
      setTimeout(() => socket.destroy(), 50);
    });
    const r = await deliverTo(raw.url, "cut");
    // Recorded without a status: deliver-webhook counts any 2xx status as delivered.
    expectFailedTwice(r, /^connection closed by the receiver mid-response \(after HTTP 200\)$/);
  });

  it("after all that the executor still delivers: nothing crashed or stuck", async () => {
    receiver.respondWith(() => ({ status: 204 }));
    const r = await deliverTo(`${receiver.url}/fine`, "fine");
    expect(r.delivery).toMatchObject({ status: "succeeded", attempts: 1, lastResponseStatus: 204, lastError: null });
  });

  // Last: it leaves a run waiting for its retry, which the engine's stop ends.
  it("a delivery waiting for its retry does not hold up a new delivery to the same endpoint", async () => {
    // A 500 waits for the schedule's retry, here 60 s (one retry, as in this file). A 429 or 503
    // with Retry-After would pause the whole endpoint instead (endpoint-throttle.test.ts).
    process.env.GATEHOUSE_RETRY_SCHEDULE = "60s";
    onTestFinished(() => void (process.env.GATEHOUSE_RETRY_SCHEDULE = "3s"));
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "busy", url: `${receiver.url}/busy`, eventTypes: [], timeoutSeconds: TIMEOUT_SECONDS, fields: ENDPOINTS_FIELDS, ctx });
    receiver.respondWith((req) => (req.path === "/busy" && JSON.parse(req.body).data.first ? { status: 500 } : { status: 200 }));
    const a = (await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { first: true }, onlyEndpointId: endpoint.id })).pendingDeliveryIds[0]!;
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: a } })).attempts === 1, 30_000, "the first attempt");
    const b = (await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { first: false }, onlyEndpointId: endpoint.id })).pendingDeliveryIds[0]!;
    // Bounded well under the 60 s the first one waits: the second is not queued behind it.
    const done = await waitFor(async () => {
      const d = await db.delivery.findUniqueOrThrow({ where: { id: b } });
      return d.status === "succeeded" ? d : null;
    }, 40_000, "the second delivery while the first waits");
    expect(done.attempts).toBe(1);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: a } })).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 500 });
  });
});
