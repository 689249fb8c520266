// Starts the embedded Inngest executor (inngest/engine/): its HTTP server on 127.0.0.1, a
// background sync with the app's serve endpoint, and the run loop. Used when no Inngest server is
// configured. It mounts the engine in this app (its configuration, the Node HTTP adapter), so it
// sits beside the engine rather than in it: the engine itself depends on lib/db/ and lib/runtime/ only.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { embeddedKeys, setEmbeddedExecutorUrl, usesEmbeddedExecutor } from "@/inngest/engine/embedded-config";
import { Executor } from "@/inngest/engine/executor";
import type { ExecutorOptions } from "@/inngest/engine/options";
import { registerInProcess } from "@/inngest/engine/in-process";
import { createEngineHandler, type ServerOptions } from "@/inngest/engine/server";
import { sendWebResponse, toWebRequest } from "@/lib/http/node-adapter";
import { runtime, type ExecutorState } from "@/lib/runtime/runtime";

export interface EngineOptions extends Omit<ExecutorOptions, "signingKey"> {
  /** The app's Inngest serve endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  serveUrl: string;
  /** Port on 127.0.0.1; default GATEHOUSE_EXECUTOR_PORT, where 0 picks a free one. */
  port?: number;
}

export interface Engine {
  url: string;
  port: number;
  /** Resolves after the first successful sync with the serve endpoint. */
  ready: Promise<void>;
  /** Syncs again, e.g. after the served functions changed. */
  sync(): Promise<void>;
  stats: Executor["stats"];
  stop(): Promise<void>;
}

// The running engine is the process's (lib/runtime/runtime.ts), whichever module graph started it.
const state = runtime().executor as ExecutorState & { engine?: Promise<Engine> };

/** Starts the engine once per process; a second call returns the running one until it stops. */
export function startEngine(options: EngineOptions): Promise<Engine> {
  const started = (state.engine ??= launch(options).catch((err) => {
    if (state.engine === started) state.engine = undefined;
    throw err;
  }));
  return started;
}

/** For instrumentation.ts: starts the engine unless an Inngest server is configured. */
export async function startEngineIfEmbedded(options: EngineOptions): Promise<Engine | null> {
  return usesEmbeddedExecutor() ? startEngine(options) : null;
}

async function launch({ serveUrl, port, ...rest }: EngineOptions): Promise<Engine> {
  await getDb(); // opens and migrates the database before anything else touches it
  const { signingKey, eventKey } = embeddedKeys();
  const executor = new Executor({ ...rest, serveUrl, signingKey });
  const server = createEngineServer({ executor, eventKey, signingKey, logger: rest.logger });
  const handler = createEngineHandler({ executor, eventKey, signingKey, logger: rest.logger });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port ?? env().GATEHOUSE_EXECUTOR_PORT, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${bound}`;
  setEmbeddedExecutorUrl(url); // read by inngest/client.ts on every send
  const unregister = registerInProcess(url, handler); // this process's sends skip the socket
  await executor.start();

  let stopping: Promise<void> | undefined;
  return {
    url,
    port: bound,
    ready: executor.ready,
    sync: () => executor.sync(),
    stats: executor.stats,
    stop() {
      stopping ??= (async () => {
        unregister();
        await executor.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (state.url === url) setEmbeddedExecutorUrl(undefined);
        state.engine = undefined;
      })();
      return stopping;
    },
  };
}

/** The handler on its own loopback port (the SDK builds `/e/<key>` and `/fn/register` from its base URL). */
export function createEngineServer(options: ServerOptions): http.Server {
  const handler = createEngineHandler(options);
  return http.createServer((req, res) => {
    toWebRequest(req, "http://127.0.0.1")
      .then((request) => (request ? handler(request) : Response.json({ error: "Payload too large", status: 413 }, { status: 413 })))
      .then((response) => sendWebResponse(response, res))
      .catch(() => res.destroy());
  });
}
