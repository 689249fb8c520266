// End to end: N events through POST /api/v1/events → the delivery dispatcher → the embedded
// Inngest executor → deliver-webhook (signs, POSTs, records the attempt) → a receiver on
// 127.0.0.1. Reports deliveries/s and the latency from the start of the POST to the receiver
// having the request, beside the same number of plain signed POSTs sent by a simple loop
// straight to the same receiver in the same run. Run: npm run bench:e2e
import http from "node:http";
import { Webhook } from "standardwebhooks";
import { envInt, openDatabase, percentile, prepareDatabase, printTable, run, type Row } from "./harness";

/** Runs `task(i)` for i < n with `concurrency` at once; stops starting new ones after `deadline`. */
async function pool(n: number, concurrency: number, deadline: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < n && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return next;
}

/** One POST on a fresh connection (deliver-webhook uses agent: false too). */
function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

run(async () => {
  const database = await prepareDatabase("e2e");
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT ??= "1000";
  const events = envInt("BENCH_EVENTS", 200);
  const endpointCount = envInt("BENCH_ENDPOINTS", 1);
  const concurrency = envInt("BENCH_CONNECTIONS", 10);
  const seconds = envInt("BENCH_SECONDS", 15); // posting stops after this
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 30); // then wait at most this for receipts
  const expected = events * endpointCount;
  try {
    await openDatabase(database);
    const { db } = await import("@/lib/db/client");
    const { createBenchOrg, benchCredential, bearerToken } = await import("./fixtures");
    const { startReceiver } = await import("@/e2e/receiver");
    const { inngest } = await import("@/inngest/client");
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    const { startEngine } = await import("@/inngest/engine/start-engine");
    const { serveFunctions, silentLogger } = await import("@/inngest/engine/testing");
    const { functions } = await import("@/inngest/index");
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const tokenRoute = await import("@/app/oauth/token/route");
    const eventsRoute = await import("@/app/api/v1/events/route");

    const receiver = await startReceiver();
    const served = await serveFunctions(inngest, functions);
    const engine = await startEngine({ serveUrl: served.url, pollIntervalMs: 50, logger: silentLogger });
    // As npm start does: the executor's calls reach the serve handler in-process.
    const { serveFunctionsInProcess } = await import("@/lib/server/start-server");
    await serveFunctionsInProcess(served.url);
    const app = await serveRoutes({ "/oauth/token": tokenRoute, "/api/v1/events": eventsRoute });
    const org = await createBenchOrg("e2e");
    try {
      await engine.ready;
      registerDeliveryDispatcher();
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      let signingSecret = "";
      for (let i = 0; i < endpointCount; i++) {
        const { secret } = await createEndpoint({
          orgId: org.orgId,
          environment: "test",
          name: `bench ${i + 1}`,
          url: `${receiver.url}/endpoint-${i + 1}`,
          eventTypes: ["run.completed"],
          headers: {},
          fields: ENDPOINTS_FIELDS,
          ctx,
        });
        signingSecret ||= secret;
      }
      const { clientId, secret } = await benchCredential(org.orgId, ["events:write"]);
      const accessToken = await bearerToken(app.origin, clientId, secret);
      const ingestHeaders = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
      const sendEvent = (data: Record<string, unknown>) =>
        fetch(`${app.origin}/api/v1/events`, { method: "POST", headers: ingestHeaders, body: JSON.stringify({ type: "run.completed", data }) });

      // Warm-up: a few events all the way through, so the first measured ones pay no JIT or sync.
      const warm = 5;
      for (let i = 0; i < warm; i++) {
        const r = await sendEvent({ warmup: i });
        if (r.status !== 202) throw new Error(`warm-up event: ${r.status} ${await r.text()}`);
      }
      await receiver.waitFor(warm * endpointCount, 60_000);

      // Baseline: the same number of signed POSTs, same concurrency, straight to the receiver.
      const wh = new Webhook(signingSecret);
      const baseFrom = receiver.requests.length;
      const baseStart = new Map<number, number>();
      const baseT0 = Date.now();
      const baseSent = await pool(expected, concurrency, baseT0 + seconds * 1000, async (i) => {
        const body = JSON.stringify({ id: `evt_base_${i}`, type: "run.completed", timestamp: new Date().toISOString(), environment: "test", data: { seq: i } });
        const now = new Date();
        baseStart.set(i, Date.now());
        await post(`${receiver.url}/baseline`, {
          "content-type": "application/json",
          "webhook-id": `msg_base_${i}`,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": wh.sign(`msg_base_${i}`, now, body),
          "user-agent": "bench-baseline",
        }, body);
      });
      const baseReqs = receiver.requests.slice(baseFrom).filter((r) => r.path === "/baseline");
      const baseLat = baseReqs.map((r) => r.receivedAt.getTime() - baseStart.get(JSON.parse(r.body).data.seq)!);
      const baseEnd = Math.max(...baseReqs.map((r) => r.receivedAt.getTime()));
      const baseline: Row = {
        name: "plain signed POSTs from a loop → receiver",
        rps: baseReqs.length / Math.max(0.001, (baseEnd - baseT0) / 1000),
        p50: percentile(baseLat, 50),
        p99: percentile(baseLat, 99),
        requests: baseReqs.length,
        note: baseSent < expected ? `stopped at the ${seconds} s bound after ${baseSent} of ${expected}` : undefined,
      };

      // The scenario: N events through the API; each becomes `endpointCount` deliveries.
      const from = receiver.requests.length;
      const postStart = new Map<number, number>();
      const ingestMs: number[] = [];
      let rejected = 0;
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      const posted = await pool(events, concurrency, t0 + seconds * 1000, async (i) => {
        const started = Date.now();
        postStart.set(i, started);
        const r = await sendEvent({ seq: i });
        await r.arrayBuffer();
        if (r.status === 202) ingestMs.push(Date.now() - started);
        else rejected++;
      });
      const postedAt = Date.now();
      const want = (posted - rejected) * endpointCount;
      const arrived = () => receiver.requests.slice(from).filter((r) => r.path.startsWith("/endpoint-"));
      const drainUntil = Date.now() + drainSeconds * 1000;
      while (arrived().length < want && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
      const got = arrived();
      const cpu = process.cpuUsage(cpu0);
      const lat = got.map((r) => r.receivedAt.getTime() - postStart.get(JSON.parse(r.body).data.seq)!);
      const end = got.length ? Math.max(...got.map((r) => r.receivedAt.getTime())) : Date.now();
      const notes = [
        posted < events ? `posting stopped at the ${seconds} s bound after ${posted} of ${events} events` : "",
        rejected ? `${rejected} events rejected` : "",
        got.length < want ? `only ${got.length} of ${want} deliveries arrived within ${drainSeconds} s of the last POST` : "",
      ].filter(Boolean);
      const row: Row = {
        name: "events → executor → deliver-webhook → receiver",
        rps: got.length / Math.max(0.001, (end - t0) / 1000),
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        requests: got.length,
        note: notes.join("; ") || undefined,
      };

      // Attempts are recorded after the receiver answers: give the last ones a moment.
      const recordedBy = Date.now() + 5_000;
      let succeeded = 0;
      do {
        succeeded = await db.delivery.count({ where: { orgId: org.orgId, status: "succeeded" } });
        if (succeeded >= want + warm * endpointCount) break;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < recordedBy);

      // Paced: events at a steady rate below capacity, one at a time, so the latency is that of
      // the path (event → first attempt) and not of a queue. Each event is one delivery per endpoint.
      const pacedCount = envInt("BENCH_PACED_EVENTS", 100);
      const pacedRate = envInt("BENCH_PACED_RATE", 10); // events per second
      const pacedFrom = receiver.requests.length;
      const pacedStart = new Map<number, number>();
      const pacedT0 = Date.now();
      for (let i = 0; i < pacedCount && Date.now() < pacedT0 + seconds * 1000; i++) {
        const due = pacedT0 + (i * 1000) / pacedRate;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        pacedStart.set(events + i, Date.now());
        void sendEvent({ seq: events + i }).then((r) => r.arrayBuffer());
      }
      const pacedWant = pacedStart.size * endpointCount;
      const pacedArrived = () => receiver.requests.slice(pacedFrom).filter((r) => r.path.startsWith("/endpoint-"));
      const pacedUntil = Date.now() + drainSeconds * 1000;
      while (pacedArrived().length < pacedWant && Date.now() < pacedUntil) await new Promise((r) => setTimeout(r, 20));
      const pacedGot = pacedArrived();
      const pacedLat = pacedGot.map((r) => r.receivedAt.getTime() - pacedStart.get(JSON.parse(r.body).data.seq)!);
      const paced: Row = {
        name: `paced at ${pacedRate} events/s: latency event → first attempt`,
        rps: pacedGot.length / Math.max(0.001, (Math.max(...pacedGot.map((r) => r.receivedAt.getTime()), pacedT0 + 1) - pacedT0) / 1000),
        p50: percentile(pacedLat, 50),
        p99: percentile(pacedLat, 99),
        requests: pacedGot.length,
        note: pacedGot.length < pacedWant ? `only ${pacedGot.length} of ${pacedWant} deliveries arrived` : undefined,
      };

      printTable({
        title: `End-to-end delivery (${events} events × ${endpointCount} endpoint${endpointCount > 1 ? "s" : ""} = ${expected} deliveries)`,
        unit: "deliveries/s",
        lines: [
          `database: ${database.label}`,
          "all in this process: route handlers behind tests/helpers/route-server.ts (no Next.js), the embedded Inngest executor",
          "  (inngest/engine, poll 50 ms) calling the app's serve handler in-process as npm start does, and e2e/receiver.ts on",
          "  127.0.0.1 answering 200",
          `events posted by ${concurrency} concurrent clients (bounded by ${events} events and ${seconds} s; receipts awaited ≤ ${drainSeconds} s);`,
          `  then ${pacedCount} more paced at ${pacedRate}/s (BENCH_PACED_EVENTS, BENCH_PACED_RATE) for the latency below capacity`,
          "latency: from the start of POST /api/v1/events (baseline: of the POST) to the receiver having the request",
          "rate: deliveries received ÷ (last receipt − first POST); deliver-webhook allows 10 in flight per endpoint",
          `baseline: ${expected} POSTs signed with standardwebhooks, ${concurrency} at once, each on a new connection like deliver-webhook`,
        ],
        rows: [row, paced],
        baseline,
      });
      console.log(
        `  ingestion (202) latency p50 ${percentile(ingestMs, 50)} ms, p99 ${percentile(ingestMs, 99)} ms; ` +
          `posting lasted ${((postedAt - t0) / 1000).toFixed(1)} s; deliveries marked succeeded: ${succeeded} (incl. ${warm * endpointCount} warm-up)`,
      );
      // CPU time is steadier than rates on a shared machine: what this process (API, executor,
      // SDK, receiver) spent per delivery; the database server's own CPU is not included.
      console.log(
        `  CPU of this process: ${((cpu.user + cpu.system) / 1000 / Math.max(1, got.length)).toFixed(2)} ms per delivery ` +
          `(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for ${got.length})`,
      );
    } finally {
      await engine.stop();
      await served.close();
      await app.close();
      await receiver.close();
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});
