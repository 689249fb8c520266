// The outside world of bench/end-to-end-delivery.ts, in a worker thread so that it does not
// share the app's event loop (it still shares the machine's cores): the API clients that post
// events, and the receiver that stands in for the customers' endpoints (answers 200 at once and
// notes when each request arrived). Plain JavaScript, so the worker needs no TypeScript loader.
// Requests go to 127.0.0.1 only.
import http from "node:http";
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { Webhook } from "standardwebhooks";

/** Arrivals per path prefix: [seq, receivedAt ms] pairs; seq comes from the body's data.seq. */
const arrivals = { endpoint: [], baseline: [] };

const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    let seq = -1;
    try {
      seq = JSON.parse(Buffer.concat(chunks).toString("utf8")).data?.seq ?? -1;
    } catch {}
    const list = (req.url ?? "").startsWith("/baseline") ? arrivals.baseline : arrivals.endpoint;
    list.push([seq, at]);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
receiver.keepAliveTimeout = 5_000;
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}`;

/** Runs `task(i)` for i < n with `concurrency` at once; stops starting new ones after `deadline`. */
async function pool(n, concurrency, deadline, task) {
  let next = 0;
  const worker = async () => {
    while (next < n && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return next;
}

function post(url, headers, body, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

const { appOrigin, accessToken, signingSecret } = workerData;
const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const ingestHeaders = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
const sendEvent = (seq) => post(`${appOrigin}/api/v1/events`, ingestHeaders, JSON.stringify({ type: "run.completed", data: { seq } }), apiAgent);

const handlers = {
  /** Signed POSTs straight to the receiver: on fresh connections, or kept alive as deliver-webhook does within a batch. */
  async baseline({ n, concurrency, seconds, keepAlive }) {
    const wh = new Webhook(signingSecret);
    const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : false;
    arrivals.baseline = [];
    const started = new Map();
    const t0 = Date.now();
    const sent = await pool(n, concurrency, t0 + seconds * 1000, async (i) => {
      const body = JSON.stringify({ id: `evt_base_${i}`, type: "run.completed", timestamp: new Date().toISOString(), environment: "test", data: { seq: i } });
      const now = new Date();
      started.set(i, Date.now());
      await post(`${receiverUrl}/baseline`, {
        "content-type": "application/json",
        "webhook-id": `msg_base_${i}`,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": wh.sign(`msg_base_${i}`, now, body),
        "user-agent": "bench-baseline",
      }, body, agent);
    });
    if (agent) agent.destroy();
    const got = arrivals.baseline;
    return { t0, sent, latencies: got.map(([seq, at]) => at - started.get(seq)), end: got.reduce((m, [, at]) => Math.max(m, at), t0), count: got.length };
  },
  /** Events through the API as fast as `concurrency` clients go, bounded by count and time. */
  async post({ events, concurrency, seconds, seqFrom }) {
    const started = {};
    const ingestMs = [];
    let rejected = 0;
    const failures = {}; // answer status (or the client's error) → count
    const t0 = Date.now();
    const posted = await pool(events, concurrency, t0 + seconds * 1000, async (i) => {
      const at = Date.now();
      started[seqFrom + i] = at;
      const status = await sendEvent(seqFrom + i).catch((err) => String(err?.message ?? err));
      if (status === 202) ingestMs.push(Date.now() - at);
      else {
        rejected++;
        failures[status] = (failures[status] ?? 0) + 1;
      }
    });
    return { t0, postedAt: Date.now(), posted, rejected, failures, ingestMs, started };
  },
  /** Events one at a time at a steady rate. */
  async paced({ count, rate, seconds, seqFrom }) {
    const started = {};
    const t0 = Date.now();
    for (let i = 0; i < count && Date.now() < t0 + seconds * 1000; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      started[seqFrom + i] = Date.now();
      void sendEvent(seqFrom + i).catch(() => 0);
    }
    return { t0, started };
  },
  /** Deliveries that arrived with seqFrom ≤ seq < seqTo: [seq, at] pairs. */
  async arrived({ seqFrom, seqTo }) {
    return arrivals.endpoint.filter(([seq]) => seq >= seqFrom && seq < seqTo);
  },
  /** How many of those arrived (polled while waiting, so that no list is copied between threads each time). */
  async count({ seqFrom, seqTo }) {
    let n = 0;
    for (const [seq] of arrivals.endpoint) if (seq >= seqFrom && seq < seqTo) n++;
    return n;
  },
  /** This worker's own JavaScript heap (its isolate), which the process's RSS includes. */
  async memory() {
    const h = getHeapStatistics();
    return { heapUsed: h.used_heap_size, heapTotal: h.total_heap_size };
  },
  async close() {
    apiAgent.destroy();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    return null;
  },
};

parentPort.on("message", async ({ id, type, args }) => {
  try {
    parentPort.postMessage({ id, result: await handlers[type](args ?? {}) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  }
});
parentPort.postMessage({ ready: receiverUrl });
