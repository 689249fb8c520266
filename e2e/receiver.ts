// A real HTTP server on loopback that stands in for a customer's webhook endpoint: it records
// every request exactly as it arrived and answers however the test programs it.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received; signatures are checked over these. */
  rawBody: Buffer;
  /** rawBody as UTF-8. */
  body: string;
  receivedAt: Date;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds to wait before answering (to exercise sender timeouts). */
  delayMs?: number;
}

export type Responder = (req: Recorded, index: number) => Reply | Promise<Reply>;

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:41234; any path under it is accepted. */
  url: string;
  requests: Recorded[];
  respondWith(fn: Responder): void;
  /** Resolves with all requests so far once at least n have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Recorded[]>;
  close(): Promise<void>;
}

const MAX_DELAY_MS = 120_000;

export interface ReceiverOptions {
  /** Listen on this loopback port (e.g. one an endpoint already points at); default any free port. */
  port?: number;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  const requests: Recorded[] = [];
  let responder: Responder = () => ({ status: 200, body: "ok" });
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const rawBody = Buffer.concat(chunks);
      const recorded: Recorded = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        rawBody,
        body: rawBody.toString("utf8"),
        receivedAt: new Date(),
      };
      const index = requests.push(recorded) - 1;
      for (const wake of waiters) wake();
      let reply: Reply;
      try {
        reply = await responder(recorded, index);
      } catch (err) {
        reply = { status: 500, body: `receiver responder threw: ${(err as Error).message}` };
      }
      const send = () => {
        if (res.destroyed) return; // the sender gave up (timeout); nothing to answer
        res.writeHead(reply.status ?? 200, { "content-type": "text/plain", ...reply.headers });
        res.end(reply.body ?? "");
      };
      const delay = Math.min(Math.max(reply.delayMs ?? 0, 0), MAX_DELAY_MS);
      if (delay === 0) return send();
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, delay);
      timers.add(t);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(fn) {
      responder = fn;
    },
    waitFor(n, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < n) return false;
          done();
          resolve(requests.slice());
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`receiver: expected ${n} request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
