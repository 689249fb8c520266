// One process against two on the same PostgreSQL: token exchange (POST /oauth/token) and event →
// delivery throughput (POST /api/v1/events → the embedded executor in each process → a receiver
// on 127.0.0.1), as `npm start` serves these paths (the lean layer's edge and adapter; processes
// from tests/scale-out/gatehouse-process.ts). Load goes to each process directly, split evenly,
// as a load balancer would spread it (no proxy of ours in the path to cap it). The generator is
// wrk when installed, else autocannon; the table names it and its ceiling (a bare Node handler
// with the same settings in the same run). Each process's heap and RSS are printed before,
// during (peak) and after the delivery run. PostgreSQL only:
//   DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres npm run bench:scale-out
import http from "node:http";
import type { AddressInfo } from "node:net";
import { envInt, openDatabase, prepareDatabase, printTable, rowOf, run, startBareServer, type Row } from "./harness";
import { generate, generateSpread, pickGenerator } from "./load-generator";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

run(async () => {
  const database = await prepareDatabase("scale-out");
  if (!database.isPostgres) throw new Error("bench:scale-out needs DATABASE_URL=postgres://… on this machine (several processes on one database)");
  const connections = envInt("BENCH_CONNECTIONS", 50);
  const seconds = envInt("BENCH_SECONDS", 6);
  const maxRequests = envInt("BENCH_MAX_REQUESTS", 200_000);
  const events = envInt("BENCH_EVENTS", 2_000);
  const endpoints = envInt("BENCH_ENDPOINTS", 2);
  const drainSeconds = envInt("BENCH_DRAIN_SECONDS", 90);
  const sizes = [1, 2];
  // BENCH_PARTS=token or BENCH_PARTS=deliveries runs only that half.
  const parts = (process.env.BENCH_PARTS ?? "token,deliveries").split(",");
  try {
    await openDatabase(database);
    const { createBenchOrg, benchCredential, tokenForm, expectStatus, bearerToken } = await import("./fixtures");
    const { startNode } = await import("@/tests/scale-out/cluster");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const org = await createBenchOrg("scale-out");
    const gen = pickGenerator();
    const nodeEnv = { GATEHOUSE_TOKEN_RATE_LIMIT: String(1e9), LOG_LEVEL: "warn", GATEHOUSE_TEST_MEMORY_MS: "500" };
    const startNodes = (n: number, extra: Record<string, string> = {}) => Promise.all(Array.from({ length: n }, (_, i) => startNode(i, { ...nodeEnv, ...extra })));
    try {
      // --- token exchange -------------------------------------------------------------------
      const { clientId, secret } = await benchCredential(org.orgId, ["events:write"]);
      const form = { method: "POST" as const, headers: { "content-type": "application/x-www-form-urlencoded" }, body: tokenForm(clientId, secret) };
      const bare = await startBareServer();
      const ceilingOpts = { ...form, url: `${bare.origin}/oauth/token`, connections, seconds, maxRequests };
      await generate(gen, { ...ceilingOpts, seconds: 1 });
      const ceiling = rowOf(`bare Node handler, ${gen}`, await generate(gen, ceilingOpts));
      await bare.close();
      const tokenRows: Row[] = [];
      for (const n of parts.includes("token") ? sizes : []) {
        const nodes = await startNodes(n);
        try {
          const urls = nodes.map((node) => `${node.origin}/oauth/token`);
          for (const url of urls) await expectStatus(url, form, 200);
          await generateSpread(gen, urls, { ...form, connections, seconds: 1, maxRequests: 2_000 });
          const r = await generateSpread(gen, urls, { ...form, connections, seconds, maxRequests });
          tokenRows.push(rowOf(`${n} process${n > 1 ? "es" : ""}`, r));
        } finally {
          for (const node of nodes) node.process.kill("SIGKILL");
        }
      }
      if (tokenRows.length) printTable({
        title: "POST /oauth/token: 1 and 2 processes on one PostgreSQL",
        lines: [
          `database: ${database.label}`,
          `load generator: ${gen}${gen === "wrk" ? " (-t1 per target)" : " (wrk not found: autocannon, which caps near 20k req/s here)"}; its ceiling is the baseline row (a bare Node handler, same settings, same run)`,
          `${connections} connections in all, split evenly between the processes; ${seconds} s per row after a 1 s warm-up`,
          "every request issues and stores a new access token; GATEHOUSE_TOKEN_RATE_LIMIT=1e9 (the shared limiter still counts in PostgreSQL)",
        ],
        rows: tokenRows,
        baseline: ceiling,
      });
      if (tokenRows.length === 2 && tokenRows[0]!.rps > 0) console.log(`  2 processes ÷ 1 process: ${(tokenRows[1]!.rps / tokenRows[0]!.rps).toFixed(2)}×`);

      // --- event → delivery -----------------------------------------------------------------
      let received = 0;
      let lastAt = 0;
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          received++;
          lastAt = performance.now();
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
      const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" }, ip: "127.0.0.1", userAgent: "gatehouse-bench" };
      for (let i = 0; i < endpoints; i++) {
        await createEndpoint({ orgId: org.orgId, environment: "test", name: `bench ${i}`, url: `${receiverUrl}/hook/${i}`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
      }
      const deliveryRows: Row[] = [];
      const memoryLines: string[] = [];
      const mem = (m?: { rss: number; heapUsed: number }) => (m ? `heap ${(m.heapUsed / MiB).toFixed(0)} / RSS ${(m.rss / MiB).toFixed(0)} MiB` : "n/a");
      for (const n of parts.includes("deliveries") ? sizes : []) {
        const nodes = await startNodes(n, { GATEHOUSE_TEST_DELIVERIES: "1" });
        try {
          await sleep(1_000); // a memory report after start-up
          const before = nodes.map((node) => node.memory());
          const token = await bearerToken(nodes[0]!.origin, clientId, secret);
          received = 0;
          const started = performance.now();
          let next = 0;
          let accepted = 0;
          const peak = nodes.map(() => ({ rss: 0, heapUsed: 0 }));
          const sampler = setInterval(() => {
            nodes.forEach((node, i) => {
              const m = node.memory();
              if (m) peak[i] = { rss: Math.max(peak[i]!.rss, m.rss), heapUsed: Math.max(peak[i]!.heapUsed, m.heapUsed) };
            });
          }, 250);
          // 20 clients, each event to the next process in turn; bounded by count and time.
          const postUntil = Date.now() + 120_000;
          await Promise.all(
            Array.from({ length: 20 }, async () => {
              while (next < events && Date.now() < postUntil) {
                const i = next++;
                const origin = nodes[i % nodes.length]!.origin;
                const r = await fetch(`${origin}/api/v1/events`, {
                  method: "POST",
                  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                  body: JSON.stringify({ type: "run.completed", data: { i, note: "x".repeat(200) } }),
                }).catch(() => null);
                if (r?.status === 202) accepted++;
                await r?.arrayBuffer();
              }
            }),
          );
          const posted = performance.now();
          const expected = accepted * endpoints;
          const drainUntil = Date.now() + drainSeconds * 1000;
          while (received < expected && Date.now() < drainUntil) await sleep(50);
          clearInterval(sampler);
          const secondsTaken = ((received >= expected ? lastAt : performance.now()) - started) / 1000;
          await sleep(1_500);
          const after = nodes.map((node) => node.memory());
          deliveryRows.push({
            name: `${n} process${n > 1 ? "es" : ""}`,
            rps: received / secondsTaken,
            p50: NaN,
            p99: NaN,
            requests: received,
            note: received < expected ? `only ${received} of ${expected} deliveries arrived within ${drainSeconds} s` : undefined,
          });
          memoryLines.push(
            `${n} process${n > 1 ? "es" : ""}: ${accepted} events accepted in ${((posted - started) / 1000).toFixed(1)} s (${(accepted / ((posted - started) / 1000)).toFixed(0)}/s), ${received} deliveries in ${secondsTaken.toFixed(1)} s`,
            ...nodes.map((_, i) => `  process ${i}: before ${mem(before[i])}; peak during ${mem(peak[i])}; after ${mem(after[i])}`),
          );
        } finally {
          for (const node of nodes) node.process.kill("SIGKILL");
        }
      }
      receiver.closeAllConnections();
      receiver.close();
      const baseline: Row = { name: "1 process", rps: deliveryRows[0]?.rps ?? 0, p50: NaN, p99: NaN, requests: deliveryRows[0]?.requests ?? 0 };
      if (deliveryRows.length) printTable({
        title: "Event → delivery: 1 and 2 processes on one PostgreSQL (embedded executor in each)",
        lines: [
          `database: ${database.label}`,
          `${events} events via POST /api/v1/events (20 clients, each event to the next process in turn) × ${endpoints} endpoints on one receiver on 127.0.0.1 answering 200`,
          "deliveries/s = deliveries received ÷ time from the first POST to the last delivery; latency columns are not measured here",
          ...memoryLines,
        ],
        rows: deliveryRows.slice(1),
        baseline,
        unit: "deliveries/s",
      });
    } finally {
      await org.remove().catch(() => {});
    }
  } finally {
    await database.cleanup();
  }
});
