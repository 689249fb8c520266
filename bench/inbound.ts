// POST /in/<id> (an incoming webhook's receiving URL, Store handler) with its integration token,
// beside a bare Node http handler measured in the same run. Each 202 means the message (headers,
// raw body, source IP) was committed. The webhook's rate limit is lifted for the run.
// Run: npx tsx bench/inbound.ts   (DATABASE_URL=postgres://… for PostgreSQL; BENCH_BASE_URL with
// BENCH_PG_REUSE=1 adds the same requests against a running `npm start` on that database)
import { envInt, envInts, openDatabase, prepareDatabase, run } from "./harness";

// The per-org ceilings on incoming webhooks (lib/inbound/receive-message.ts) are lifted too.
process.env.GATEHOUSE_INBOUND_ORG_REQUESTS_PER_MINUTE ??= "1000000000";
process.env.GATEHOUSE_INBOUND_ORG_MIB_PER_MINUTE ??= "1000000000";

run(async () => {
  const database = await prepareDatabase("inbound");
  const connections = envInts("BENCH_CONNECTIONS", [10, 50]);
  const seconds = envInt("BENCH_SECONDS", 6);
  const maxRequests = envInt("BENCH_MAX_REQUESTS", 50_000);
  const bodyBytes = envInt("BENCH_BODY_BYTES", 512);
  try {
    await openDatabase(database);
    const { createBenchOrg } = await import("./fixtures");
    const { runHttpScenario } = await import("./http-scenario");
    const { createInboundWebhook } = await import("@/lib/inbound/create-inbound-webhook");
    const { db } = await import("@/lib/db/client");
    const receive = await import("@/app/in/[id]/route");
    const org = await createBenchOrg("inbound");
    try {
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      const { webhook, token } = await createInboundWebhook({ orgId: org.orgId, environment: "test", name: "bench", handler: "store", ctx });
      await db.inboundWebhook.update({ where: { id: webhook.id }, data: { rateLimitPerMinute: 1_000_000_000 } });
      const body = JSON.stringify({ type: "payment.succeeded", id: "pay_123", pad: "x".repeat(Math.max(0, bodyBytes - 60)) });
      await runHttpScenario({
        title: `POST /in/<id> (incoming webhook, Store handler, ${Buffer.byteLength(body)}-byte JSON body)`,
        lines: [
          `database: ${database.label}`,
          "each 202 means the message (headers, raw body as bytes, source IP) was committed before the answer",
          "per request: one read of the webhook (token hash, status, handler), SHA-256 of the token, one INSERT",
        ],
        routes: { "/in/[id]": receive },
        path: `/in/${webhook.id}`,
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
        status: 202,
        connections,
        seconds,
        maxRequests,
      });
      const stored = await db.inboundMessage.count({ where: { webhookId: webhook.id } });
      console.log(`  stored during the run (incl. warm-up and the check request): ${stored} messages`);
    } finally {
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});
