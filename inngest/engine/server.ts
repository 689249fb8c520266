// The executor's HTTP side, on its own loopback port because the SDK builds `/e/<key>` and
// `/fn/register` as absolute paths from its base URL.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Executor } from "@/inngest/engine/executor";
import type { FetchHandler } from "@/inngest/engine/in-process";
import { registerSchema } from "@/inngest/engine/protocol";
import { SyncRefused } from "@/inngest/engine/sync";
import { seededUlid, ulid } from "@/inngest/engine/ulid";
import type { Logger } from "@/inngest/engine/options";

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ServerOptions {
  executor: Executor;
  eventKey: string;
  signingKey: string;
  /** Where a request that failed for an unexpected reason is reported (the executor's logger). */
  logger?: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The executor's HTTP API as a fetch-style handler: served on its port and, in one process, in-process. */
export function createEngineHandler({ executor, eventKey, signingKey, logger = console }: ServerOptions): FetchHandler {
  return async (request) => {
    try {
      const { status, body } = await handle(request);
      return json(status, body);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : "internal error";
      if (!(err instanceof HttpError)) logger.error("[engine] request failed", err);
      return json(status, { error: message, status });
    }
  };

  async function handle(req: Request): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url);
    const events = /^\/e\/([^/]+)$/.exec(url.pathname);
    if (req.method === "POST" && events) {
      if (!safeEqual(decodeURIComponent(events[1]!), eventKey)) throw new HttpError(401, "Event key not found");
      const ids = await ingest(parseJson(await readBody(req)), req.headers.get("x-inngest-event-id-seed") ?? undefined);
      return { status: 200, body: { ids, status: 200 } };
    }
    if (req.method === "POST" && url.pathname === "/fn/register") {
      // Out-of-band sync: the SDK authenticates with the hashed signing key.
      if (!safeEqual(req.headers.get("authorization") ?? "", `Bearer ${hashSigningKey(signingKey)}`)) {
        throw new HttpError(401, "Unauthorized");
      }
      const parsed = registerSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) throw new HttpError(400, `Invalid register payload: ${parsed.error.message}`);
      try {
        await executor.register(parsed.data.appName, parsed.data.functions);
      } catch (err) {
        if (err instanceof SyncRefused) throw new HttpError(400, err.message);
        throw err;
      }
      return { status: 200, body: { ok: true, modified: true } };
    }
    if (req.method === "GET" && url.pathname === "/health") return { status: 200, body: { ok: true } };
    throw new HttpError(404, `${req.method} ${url.pathname} is not implemented by the embedded executor`);
  }

  async function ingest(body: unknown, seed: string | undefined): Promise<string[]> {
    const list = Array.isArray(body) ? body : [body];
    const now = Date.now();
    const seedMs = Number(seed?.split(",")[0]) || now;
    const events = list.map((raw, i) => {
      if (typeof raw !== "object" || raw === null || typeof (raw as { name?: unknown }).name !== "string" || !(raw as { name: string }).name) {
        throw new HttpError(400, "Each event needs a name");
      }
      const e = raw as Record<string, unknown> & { name: string };
      const data = e.data ?? {};
      if (typeof data !== "object" || Array.isArray(data)) throw new HttpError(400, "Event data must be an object");
      // Without an id, the SDK's seed makes its own retries of this request idempotent.
      const id = typeof e.id === "string" && e.id ? e.id : seed ? seededUlid(seedMs, `${seed}:${i}`) : ulid(now);
      return { ...e, id, data: data as Record<string, unknown>, ts: typeof e.ts === "number" ? e.ts : now };
    });
    return events.length ? executor.ingest(events) : [];
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Body is not JSON");
  }
}

async function readBody(req: Request): Promise<string> {
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new HttpError(413, "Payload too large");
  return text;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What the SDK sends as its bearer token: the prefix, then SHA-256 of the hex key's bytes. */
function hashSigningKey(key: string): string {
  const prefix = /^signkey-[\w]+-/.exec(key)?.[0] ?? "";
  return prefix + createHash("sha256").update(Buffer.from(key.slice(prefix.length), "hex")).digest("hex");
}
