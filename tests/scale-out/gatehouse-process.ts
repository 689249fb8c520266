// One Gatehouse API process for the scale-out tests (tests/scale-out/*.test.ts): every /api/v1,
// /oauth and /in route behind the lean layer's edge and adapter (what `npm start` answers these
// paths with, without Next.js, which needs a build), on the PostgreSQL database in DATABASE_URL.
// With GATEHOUSE_TEST_DELIVERIES=1 it also runs what `npm start` runs for deliveries: the app's
// Inngest functions served on loopback, the embedded executor and the delivery dispatcher.
// Says `@@ {"ready":true,"origin":"http://127.0.0.1:<port>"}` on stdout once it listens, and, with
// GATEHOUSE_TEST_MEMORY_MS=<ms>, `@@ {"memory":{…process.memoryUsage()}}` every that many ms.
// With GATEHOUSE_TEST_AUTH=1 it also answers Auth.js's sign-in routes (csrf, credentials callback,
// session, sign-out), as tests/security/helpers/auth-http.ts serves them (set AUTH_SECRET alike on
// every process: a CSRF token from one is checked by another).
import { ensureDatabase } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";

await ensureDatabase();
if (process.env.GATEHOUSE_TEST_DELIVERIES === "1") {
  const { inngest } = await import("@/inngest/client");
  const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
  const { startEngine } = await import("@/inngest/start-engine");
  const { serveFunctions, silentLogger } = await import("@/inngest/engine/testing");
  const { functions } = await import("@/inngest/index");
  const served = await serveFunctions(inngest, functions);
  registerDeliveryDispatcher();
  const engine = await startEngine({ serveUrl: served.url, logger: silentLogger });
  await engine.ready;
}
const authRoutes: Routes = {};
if (process.env.GATEHOUSE_TEST_AUTH === "1") {
  await import("@/tests/security/helpers/auth-http"); // Next's request-scope globals, as in the security tests
  const auth = await import("@/app/api/auth/[...nextauth]/route");
  for (const p of ["csrf", "session", "signout", "callback/credentials"]) authRoutes[`/api/auth/${p}`] = auth;
}
const server = await serveRoutes({ ...API_ROUTES, ...authRoutes }, { contract: false });
process.stdout.write(`@@ ${JSON.stringify({ ready: true, origin: server.origin, pid: process.pid })}\n`);
// Benchmarks read the process's memory (heap and RSS) from these reports.
const memoryEvery = Number(process.env.GATEHOUSE_TEST_MEMORY_MS);
if (memoryEvery > 0) {
  const report = () => process.stdout.write(`@@ ${JSON.stringify({ memory: process.memoryUsage() })}\n`);
  report();
  setInterval(report, memoryEvery).unref();
}
// Ends with its parent (stdin closes), or with a signal.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
