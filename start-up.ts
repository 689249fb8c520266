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
import { listenPort } from "@/lib/http/listen-port";

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
    if (sealed) console.log(`[gatehouse] encrypted the custom header values of ${sealed} endpoint(s) saved before they were encrypted at rest`);
    const port = listenPort();
    console.log(`[gatehouse] database: ${driver.kind === "pglite" ? `PGlite at ${driver.location}` : driver.location}`);
    const { registerDeliveryDispatcher } = await import("@/inngest/dispatch");
    registerDeliveryDispatcher();
    const { startEngineIfEmbedded } = await import("@/inngest/start-engine");
    const serveUrl = `http://127.0.0.1:${port}/api/inngest`;
    // Not awaiting `ready`: its first sync calls this server, which listens only after register().
    const engine = await startEngineIfEmbedded({ serveUrl });
    if (engine) await serveFunctionsInProcess(serveUrl);
    console.log(engine ? `[gatehouse] embedded Inngest executor on ${engine.url}` : "[gatehouse] using the configured Inngest server");
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      process.once(sig, () => {
        void (engine?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
      });
    }
    console.log(`[gatehouse] console ready at http://localhost:${port}`);
  } catch (err) {
    console.error(`\n[gatehouse] cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
