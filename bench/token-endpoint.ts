// POST /oauth/token (client credentials, client_secret_post) under concurrency, beside a bare
// Node http handler measured in the same run. Run: npm run bench:token
import { envInt, envInts, openDatabase, prepareDatabase, run } from "./harness";

run(async () => {
  const database = await prepareDatabase("token");
  // Measure the endpoint, not the limiter: every request comes from one client and one IP.
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT = String(1_000_000_000);
  const connections = envInts("BENCH_CONNECTIONS", [10, 50]);
  const seconds = envInt("BENCH_SECONDS", 6);
  const maxRequests = envInt("BENCH_MAX_REQUESTS", 100_000);
  try {
    await openDatabase(database);
    const { createBenchOrg, benchCredential, tokenForm } = await import("./fixtures");
    const { runHttpScenario } = await import("./http-scenario");
    const token = await import("@/app/oauth/token/route");
    const org = await createBenchOrg("token");
    try {
      // BENCH_TOKEN_QUOTA=1: the credential has an issuance quota (too large to be reached), so
      // every exchange also takes from it in PostgreSQL; the secret-use record is always on.
      const quota = process.env.BENCH_TOKEN_QUOTA === "1";
      const { clientId, secret } = await benchCredential(org.orgId, ["members:read"], quota ? { tokensPerHour: 1e6, tokensPerDay: 1e6 } : {});
      await runHttpScenario({
        title: "POST /oauth/token (client_credentials, client_secret_post)",
        lines: [
          `database: ${database.label}`,
          "every request issues and stores a new access token for one real credential",
          "GATEHOUSE_TOKEN_RATE_LIMIT=1e9 for this run, so the per-client/per-IP limiter never answers 429 (it still runs)",
          quota ? "issuance quota on (1e6 per hour and day: taken on every exchange, never reached)" : "no issuance quota (BENCH_TOKEN_QUOTA=1 turns one on)",
          "which secret authenticated each exchange, and from where, is recorded (grouped upserts, not waited for)",
        ],
        routes: { "/oauth/token": token },
        path: "/oauth/token",
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: tokenForm(clientId, secret),
        status: 200,
        latencyAtBaselineFraction: 0.1, // the target rate: what latency do clients see at it?
        connections,
        seconds,
        maxRequests,
      });
    } finally {
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});
