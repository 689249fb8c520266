// Start-up, once per process (from instrumentation.ts): validate configuration, open and migrate
// the database, generate the embedded secrets, start the embedded Inngest executor (unless an
// Inngest server is configured) and print where the console is.
//
// It lives at the top level, beside server.ts and instrumentation.ts, because it composes the
// layers: it wires lib/ to inngest/ and to app/'s serve route, which lib/ itself must never
// import (eslint.config.mjs).
import { db, ensureDatabase } from "@/lib/db/client";
import { encryptionKey } from "@/lib/crypto/encryption";
import { authSecret } from "@/lib/crypto/local-secret";
import { env } from "@/lib/env";
import { briefError, log } from "@/lib/observability/log";
import { listenPort } from "@/lib/http/listen-port";
import { runtime } from "@/lib/runtime/runtime";

/**
 * The embedded executor's calls to this app's serve endpoint go straight to its route handler,
 * without a loopback socket (inngest/engine/in-process.ts); the sync still goes over HTTP and
 * proves the server is up.
 */
export async function serveFunctionsInProcess(serveUrl: string): Promise<void> {
  const { registerInProcess } = await import("@/inngest/engine/in-process");
  const route = await import("@/app/api/inngest/route");
  registerInProcess(serveUrl, (req) => (req.method === "PUT" ? route.PUT : req.method === "GET" ? route.GET : route.POST)(req as never, undefined));
}

export async function startUp(): Promise<void> {
  try {
    env();
    encryptionKey();
    authSecret(); // without it every session check would answer 500 in production
    const driver = await ensureDatabase();
    // Endpoints saved before header values were encrypted: sealed once, here, not on their next edit.
    const { encryptLegacyHeaders } = await import("@/lib/webhooks/custom-headers");
    const sealed = await encryptLegacyHeaders(db);
    if (sealed) log.info({ endpoints: sealed }, "encrypted the custom header values of endpoints saved before they were encrypted at rest");
    // The port npm start's server bound (it may have asked for any free one), else as configured.
    const port = runtime().server.port ?? listenPort();
    log.info({ database: driver.kind, location: driver.location }, `database: ${driver.kind === "pglite" ? `PGlite at ${driver.location}` : driver.location}`);
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    registerDeliveryDispatcher();
    const { startEngineIfEmbedded } = await import("@/inngest/start-engine");
    const serveUrl = `http://127.0.0.1:${port}/api/inngest`;
    // Not awaiting `ready`: its first sync calls this server, which listens only after register().
    const { executorLogger } = await import("@/inngest/logger");
    const engine = await startEngineIfEmbedded({ serveUrl, logger: executorLogger() });
    if (engine) await serveFunctionsInProcess(serveUrl);
    log.info({ executor: engine ? "embedded" : "inngest", url: engine?.url }, engine ? `embedded Inngest executor on ${engine.url}` : "using the configured Inngest server");
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      process.once(sig, () => {
        // Token exchanges' rows and use counts are written behind their answers: write them first.
        const flushed = import("@/lib/credentials/exchange-records").then((m) => m.flushExchangeRecords()).catch(() => {});
        void Promise.all([flushed, engine?.stop()]).finally(() => process.exit(0));
      });
    }
    log.info({ port }, `console ready at http://localhost:${port}`);
  } catch (err) {
    log.fatal({ error: briefError(err) }, `cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
