// When the embedded executor and the app run in one process (npm start), the requests between
// them need no socket: the executor's event API and the app's serve endpoint register their
// fetch-style handlers here, and `inProcessFetch` hands a request for a registered URL straight
// to its handler. The requests and responses are exactly those that would cross loopback HTTP
// (same URL, signed headers and bytes), so the SDK protocol is unchanged; a socket round trip on
// each side is saved, which is most of the cost of a call on a small machine. Any other URL
// (Inngest Cloud, `inngest start`, a serve endpoint in another process) goes over the network.

import { AsyncLocalStorage } from "node:async_hooks";
import { runtime, type FetchHandler } from "@/lib/runtime/runtime";

export type { FetchHandler };

// The registry is the process's (lib/runtime/runtime.ts): one for every module graph in it.
const state = runtime().executor;
const handlers = state.inProcess;
const callSignal = (state.callSignal ??= new AsyncLocalStorage());

/**
 * The abort signal of the call being served (set around a serve handler: by inProcessFetch, or
 * by an HTTP server that aborts when its caller goes away), for a function to stop its work when
 * the executor gives up on the call (its call timeout): a request handler otherwise runs on.
 */
export function currentCallSignal(): AbortSignal | undefined {
  return callSignal.getStore();
}

/** Runs a serve handler with `signal` as its call's abort signal (see currentCallSignal). */
export function runWithCallSignal<T>(signal: AbortSignal, fn: () => T): T {
  return callSignal.run(signal, fn);
}

/** Serves requests whose URL starts with `prefix` (e.g. "http://127.0.0.1:3000/api/inngest") in-process; returns an unregister function. */
export function registerInProcess(prefix: string, handler: FetchHandler): () => void {
  handlers.set(prefix, handler);
  return () => {
    if (handlers.get(prefix) === handler) handlers.delete(prefix);
  };
}

function handlerFor(url: string): FetchHandler | undefined {
  for (const [prefix, handler] of handlers) {
    if (url === prefix || url.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`) || url.startsWith(`${prefix}?`)) return handler;
  }
  return undefined;
}

/** `fetch`, except that a URL registered above is answered in-process. */
export const inProcessFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const handler = handlers.size ? handlerFor(url) : undefined;
  if (!handler) return fetch(input, init);
  const request = new Request(input, init);
  const { signal } = request;
  signal.throwIfAborted();
  // Like fetch, give up when the caller aborts (timeouts, the executor stopping).
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    runWithCallSignal(signal, () => handler(request))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
};
