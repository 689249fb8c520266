// Helpers for tests that run real Inngest functions on the embedded executor over loopback HTTP.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { runWithCallSignal } from "@/inngest/engine/in-process";

/** Serves `functions` with the SDK's Node handler on 127.0.0.1; returns the serve URL. */
export async function serveFunctions(
  client: Inngest.Any,
  functions: InngestFunction.Any[],
): Promise<{ url: string; close(): Promise<void> }> {
  const handler = serve({ client, functions });
  // As a serve endpoint should: when the executor gives up on a call (and closes the request),
  // the function's work learns it through currentCallSignal().
  const server = http.createServer((req, res) => {
    const call = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) call.abort("the executor gave up on the call");
    });
    return runWithCallSignal(call.signal, () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value; bounded by `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, label = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const silentLogger = { info() {}, warn() {}, error() {} };
