// GET /api/v1/members with a bearer token (scope members:read) under concurrency, beside a bare
// Node http handler measured in the same run. Run: npm run bench:api-read
import { envInt, envInts, openDatabase, prepareDatabase, run } from "./harness";

run(async () => {
  const database = await prepareDatabase("api-read");
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT ??= "1000"; // one token is fetched; the limiter is not measured here
  process.env.GATEHOUSE_API_RATE_LIMIT ??= "1000000000"; // one credential sends everything; the /api/v1 limit is not measured here
  const connections = envInts("BENCH_CONNECTIONS", [10, 50]);
  const seconds = envInt("BENCH_SECONDS", 6);
  const maxRequests = envInt("BENCH_MAX_REQUESTS", 100_000);
  try {
    await openDatabase(database);
    const { createBenchOrg, benchCredential, bearerToken } = await import("./fixtures");
    const { runHttpScenario } = await import("./http-scenario");
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const token = await import("@/app/oauth/token/route");
    const members = await import("@/app/api/v1/members/route");
    const org = await createBenchOrg("api-read", 5);
    try {
      const { clientId, secret } = await benchCredential(org.orgId, ["members:read"]);
      const issuer = await serveRoutes({ "/oauth/token": token });
      const accessToken = await bearerToken(issuer.origin, clientId, secret).finally(() => issuer.close());
      await runHttpScenario({
        title: "GET /api/v1/members (bearer token, scope members:read)",
        lines: [
          `database: ${database.label}`,
          "every request checks the token (hash lookup, revocation, expiry, scope) and lists the org's 5 members",
        ],
        routes: { "/api/v1/members": members },
        path: "/api/v1/members",
        method: "GET",
        headers: { authorization: `Bearer ${accessToken}` },
        status: 200,
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
