// The endpoint throttle and FIFO ordering, measured at real receivers on loopback: events go in
// through ingestEvent, the embedded executor runs deliver-webhook, and the receivers count what
// arrives and when (endpoint-throttle.ts, fifo-ordering.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { waitFor } from "@/inngest/engine/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { systemCtx, deliveryStackForFile } from "@/tests/helpers/delivery-stack";
import { arrivalsBeforeGrants, recordThrottleGrants, throttleGrants } from "@/tests/helpers/throttle-grants";

const stack = deliveryStackForFile("Throttle"); // retries 1 s apart, 4 attempts
const ctx = systemCtx;

/** An endpoint subscribed to its own event type only, so the tests' events do not cross. */
async function endpoint(name: string, url: string, throttle: { rateLimitPerSecond?: number; maxInFlight?: number; ordering?: "none" | "fifo"; active?: boolean }) {
  const type = `throttle.${name}`;
  await db.eventType.create({ data: { orgId: stack.orgId, environment: "test", name: type, description: name } });
  const { endpoint: ep } = await createEndpoint({ orgId: stack.orgId, environment: "test", name, url, eventTypes: [type], fields: ENDPOINTS_FIELDS, ctx, ...throttle });
  return { ep, send: (data: Record<string, unknown>) => ingestEvent({ orgId: stack.orgId, environment: "test", type, data }) };
}

/**
 * A receiver in a worker thread that answers 200 and keeps each request's arrival time (ms) and
 * body: its own event loop keeps time while this one is busy.
 */
async function startCountingReceiver(): Promise<{ url: string; arrivals(): Promise<number[]>; received(): Promise<{ at: number; body: string }[]>; close(): Promise<void> }> {
  const worker = new Worker(
    `const http = require("node:http"); const { parentPort } = require("node:worker_threads");
     const got = [];
     const server = http.createServer((req, res) => {
       const r = { at: Date.now(), body: "" }; got.push(r);
       req.setEncoding("utf8"); req.on("data", (c) => (r.body += c)); req.on("end", () => res.writeHead(200).end("ok"));
     });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
     parentPort.on("message", (m) => m === "close" ? server.close(() => parentPort.postMessage({ closed: true })) : parentPort.postMessage({ got }));`,
    { eval: true },
  );
  const next = () => new Promise<Record<string, unknown>>((resolve) => worker.once("message", resolve));
  const { port } = (await next()) as { port: number };
  const received = async () => {
    const reply = next();
    worker.postMessage("got");
    return ((await reply) as { got: { at: number; body: string }[] }).got;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    async arrivals() {
      return (await received()).map((r) => r.at);
    },
    received,
    async close() {
      const reply = next();
      worker.postMessage("close");
      await Promise.race([reply, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await worker.terminate();
    },
  };
}

const dataOf = (body: string) => (JSON.parse(body) as { data: { i: number } }).data;

describe("the endpoint throttle", () => {
  it("holds a receiver to its rate: 10 deliveries/s granted 100 ms apart, none sent before its start, the rate reached", async () => {
    // The receiver runs in a worker thread, on its own event loop (as a customer's would be): a
    // pause of this one (the app, the executor and PGlite share it) cannot bunch its timestamps.
    const counter = await startCountingReceiver();
    try {
      await recordThrottleGrants();
      const { ep, send } = await endpoint("rate", `${counter.url}/rate`, { rateLimitPerSecond: 10, active: false });
      // A backlog of 60 held while the endpoint is paused, released at once: far more than 10 a
      // second could send, so only the throttle paces them (and ingestion is not measured).
      for (let i = 0; i < 60; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => send({ i: i + j })));
      await setEndpointStatus({ orgId: stack.orgId, environment: "test", id: ep.id, status: "active", ctx });
      await waitFor(async () => (await counter.arrivals()).length >= 60 || undefined, 30_000, "60 deliveries");
      const times = await counter.arrivals();
      const grants = await throttleGrants(ep.id);
      const gaps = grants.slice(1).map((t, i) => t - grants[i]!);
      const why = `ms between granted starts: ${gaps.join(" ")}; ms from each arrival to its grant: ${[...times].sort((a, b) => a - b).map((t, k) => t - grants[k]!).join(" ")}`;
      // The throttle's guarantee: starts granted at most 10 a second, one interval (100 ms) apart
      // (to the millisecond the grant is rounded to), however the claims came, so no second holds
      // more than 10. Every request was granted a start.
      expect(grants.length, why).toBeGreaterThanOrEqual(60);
      expect(Math.min(...gaps), why).toBeGreaterThanOrEqual(99);
      // ...and the sender's: no request goes before its start. (Not how far apart they arrive: a
      // sender's event loop that stalls past a start sends late, and a late request may reach the
      // receiver right before the next one, as a request on a slow network would. Asserting the
      // spacing at the receiver counted the machine's load, and failed under it.)
      expect(arrivalsBeforeGrants(times, grants), why).toEqual([]);
      // And the rate is reached: the typical (median) spacing of the grants is the rate's 100 ms
      // within 10%. Grants for a backlog follow one another one interval apart; a gap is longer
      // only when no send asked for a start for a while (this process stalled for over the
      // horizon), which a median does not count, and a too slow throttle moves.
      const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
      expect(median, why).toBeLessThanOrEqual(110);
      await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
    } finally {
      await counter.close();
    }
  }, 60_000);

  it("keeps a receiver to its rate (10/s) across a 2 s stall of the sender's event loop, each delivery sent once", async () => {
    const counter = await startCountingReceiver();
    try {
      const { ep, send } = await endpoint("stall", `${counter.url}/stall`, { rateLimitPerSecond: 10, active: false });
      const n = 40;
      for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => send({ i: i + j })));
      await setEndpointStatus({ orgId: stack.orgId, environment: "test", id: ep.id, status: "active", ctx });
      // Once sends are going, the throttle has granted starts up to 1 s ahead to the sends waiting
      // for them. Then this event loop (the sender's) is blocked for 2 s, as a long synchronous
      // task or a GC pause would, and every one of those starts passes meanwhile.
      await waitFor(async () => (await counter.arrivals()).length >= 5 || undefined, 30_000, "the first 5 deliveries");
      const stallUntil = Date.now() + 2_000;
      while (Date.now() < stallUntil); // bounded busy loop
      await waitFor(async () => (await counter.arrivals()).length >= n || undefined, 30_000, `${n} deliveries`);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a second send of any would show by now
      const got = await counter.received();
      const times = got.map((r) => r.at).sort((a, b) => a - b);
      // The most requests that started within any 1 s (both ends counted).
      const most = Math.max(...times.map((t, k) => times.filter((u, j) => j >= k && u <= t + 1_000).length));
      const why = `ms after the first request: ${times.map((t) => t - times[0]!).join(" ")}; stall ended at ${stallUntil - times[0]!}`;
      expect(most, why).toBeLessThanOrEqual(11);
      // Each delivery reached the receiver exactly once, and its one attempt is recorded.
      expect(got.map((r) => dataOf(r.body).i).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      await waitFor(async () => (await db.delivery.count({ where: { endpointId: ep.id, status: "succeeded" } })) === n || undefined, 20_000, "all succeeded");
      expect(await db.delivery.count({ where: { endpointId: ep.id, attempts: { not: 1 } } })).toBe(0);
      await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
    } finally {
      await counter.close();
    }
  }, 60_000);

  it("never has more than max_in_flight (2) requests at a receiver, and uses both", async () => {
    let inFlight = 0;
    let most = 0;
    let served = 0;
    const server = http.createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          inFlight--;
          served++;
          res.writeHead(200).end("ok");
        }, 150),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { ep, send } = await endpoint("in-flight", `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, { maxInFlight: 2 });
      await Promise.all(Array.from({ length: 20 }, (_, i) => send({ i })));
      await waitFor(async () => served >= 20 || undefined, 30_000, "20 deliveries");
      expect(most).toBe(2);
      await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it("gives back the slots of a process killed mid-send once their leases end", async () => {
    const { ep, send } = await endpoint("killed", `${stack.receiver.url}/killed`, { maxInFlight: 1 });
    // The only slot is held by a send of a process that died: its lease ends in 2 s.
    const leaseEnds = Date.now() + 2_000;
    await db.endpointThrottle.create({ data: { endpointId: ep.id, leases: { "dead-process-send": leaseEnds } } });
    const from = stack.receiver.requests.length;
    const arrivals = () => stack.receiver.requests.slice(from).filter((r) => r.path === "/killed");
    await send({ i: 1 });
    await waitFor(async () => arrivals().length >= 1 || undefined, 20_000, "the delivery once the dead lease ended");
    expect(arrivals()[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(leaseEnds - 50);
    await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
  }, 60_000);

  it("pauses the whole endpoint for a receiver's 429 Retry-After: 2, not only that delivery", async () => {
    const { ep, send } = await endpoint("retry-after", `${stack.receiver.url}/busy`, {});
    let refused = false;
    stack.receiver.respondWith((req) => {
      if (req.path !== "/busy" || refused) return { status: 200 };
      refused = true;
      return { status: 429, headers: { "retry-after": "2" } };
    });
    const from = stack.receiver.requests.length;
    const arrivals = () => stack.receiver.requests.slice(from).filter((r) => r.path === "/busy");
    await send({ i: 0 });
    await waitFor(async () => arrivals().length >= 1 || undefined, 20_000, "the first request (429)");
    const refusedAt = arrivals()[0]!.receivedAt.getTime();
    // Five more events to the same endpoint while it is paused: none may go before the 2 s are up.
    await Promise.all(Array.from({ length: 5 }, (_, i) => send({ i: i + 1 })));
    await waitFor(async () => arrivals().length >= 7 || undefined, 20_000, "the retry and the five others");
    const later = arrivals().slice(1).map((r) => r.receivedAt.getTime() - refusedAt);
    for (const ms of later) expect(ms, `ms after the 429: ${later.join(", ")}`).toBeGreaterThanOrEqual(1_900);
    // ...and they go once it is over, not at the next retry of the schedule.
    for (const ms of later) expect(ms, `ms after the 429: ${later.join(", ")}`).toBeLessThan(6_000);
    expect(arrivals().map((r) => dataOf(r.body).i).sort()).toEqual([0, 0, 1, 2, 3, 4, 5]);
    stack.receiver.respondWith(() => ({ status: 200 }));
    await db.endpoint.update({ where: { id: ep.id }, data: { status: "paused" } });
  }, 60_000);

  it("delivers FIFO in order: 10 events, the 3rd failing twice, arrive 1..10 with the 3rd's retries in place", async () => {
    const { ep, send } = await endpoint("fifo", `${stack.receiver.url}/fifo`, { ordering: "fifo" });
    let thirdFailures = 0;
    stack.receiver.respondWith((req) => {
      if (req.path !== "/fifo") return { status: 200 };
      if (dataOf(req.body).i === 3 && thirdFailures < 2) {
        thirdFailures++;
        return { status: 500 };
      }
      return { status: 200 };
    });
    const from = stack.receiver.requests.length;
    const arrivals = () => stack.receiver.requests.slice(from).filter((r) => r.path === "/fifo");
    for (let i = 1; i <= 10; i++) await send({ i });
    await waitFor(async () => arrivals().length >= 12 || undefined, 60_000, "10 messages and 2 retries");
    // Give anything out of order time to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrivals().map((r) => dataOf(r.body).i)).toEqual([1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10]);
    await waitFor(async () => (await db.delivery.count({ where: { endpointId: ep.id, status: "succeeded" } })) === 10 || undefined, 20_000, "all succeeded");
    stack.receiver.respondWith(() => ({ status: 200 }));
  }, 90_000);
});
