// POST /api/v1/events with a bearer token (scope events:write), each event fanned out to the
// subscribed endpoints as Delivery rows in the same transaction, beside a bare Node http handler
// measured in the same run. No delivery dispatcher is registered: this measures ingestion only
// (the rows stay `pending`; nothing is sent). Run: npm run bench:events
import { envInt, envInts, openDatabase, prepareDatabase, run } from "./harness";

run(async () => {
  const database = await prepareDatabase("events");
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT ??= "1000";
  process.env.GATEHOUSE_API_RATE_LIMIT ??= "1000000000"; // one credential sends everything; the /api/v1 limit is not measured here
  const connections = envInts("BENCH_CONNECTIONS", [10, 50]);
  const seconds = envInt("BENCH_SECONDS", 6);
  const maxRequests = envInt("BENCH_MAX_REQUESTS", 50_000);
  const endpointCount = envInt("BENCH_ENDPOINTS", 10);
  try {
    await openDatabase(database);
    const { createBenchOrg, benchCredential, bearerToken } = await import("./fixtures");
    const { runHttpScenario } = await import("./http-scenario");
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const { setDeliveryDispatcher } = await import("@/lib/events/dispatch");
    const token = await import("@/app/oauth/token/route");
    const events = await import("@/app/api/v1/events/route");
    setDeliveryDispatcher(undefined); // ingestion only: nothing is handed to Inngest
    const org = await createBenchOrg("events");
    try {
      const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };
      for (let i = 0; i < endpointCount; i++) {
        await createEndpoint({
          orgId: org.orgId,
          environment: "test",
          name: `bench ${i + 1}`,
          url: `http://127.0.0.1:9/never-called-${i + 1}`, // never called: no dispatcher
          eventTypes: ["run.completed"],
          headers: {},
          fields: ENDPOINTS_FIELDS,
          ctx,
        });
      }
      const { clientId, secret } = await benchCredential(org.orgId, ["events:write"]);
      const issuer = await serveRoutes({ "/oauth/token": token });
      const accessToken = await bearerToken(issuer.origin, clientId, secret).finally(() => issuer.close());
      await runHttpScenario({
        title: `POST /api/v1/events (${endpointCount} subscribed endpoints → ${endpointCount} deliveries per event, ingestion only)`,
        lines: [
          `database: ${database.label}`,
          `each 202 means the event and its ${endpointCount} Delivery rows were committed in one transaction`,
          "no delivery dispatcher is registered: nothing is sent to Inngest or to any endpoint (see end-to-end-delivery for that)",
          "no Idempotency-Key and no event id: every request stores a new event",
        ],
        routes: { "/api/v1/events": events },
        path: "/api/v1/events",
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "run.completed", data: { run_id: "run_123", status: "succeeded", duration_ms: 4210 } }),
        status: 202,
        afterAppStart: () => void setDeliveryDispatcher(undefined), // the app's start-up registered one
        connections,
        seconds,
        maxRequests,
      });
      const { db } = await import("@/lib/db/client");
      const stored = await db.event.count({ where: { orgId: org.orgId } });
      const deliveries = await db.delivery.count({ where: { orgId: org.orgId } });
      console.log(`  stored during the run (incl. warm-up and the check request): ${stored} events, ${deliveries} deliveries`);
    } finally {
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});
