// Cache invalidation across processes with PostgreSQL LISTEN/NOTIFY. A process that changes
// something other processes may have cached (a token revoked, a credential revoked or given a new
// secret) sends NOTIFY on one channel before it answers; every process LISTENs on a dedicated
// connection outside the pool and drops what it remembers. The connection reconnects by itself;
// while it is down, or before it is first up, a cache must not remember anything (`live()` is
// false), so a missed notification can never keep a revoked token alive past the cache's own
// entry lifetime. On PGlite there is one process: nothing is sent, and `live()` is always true.
//
// "Refused on every process on the next request" needs more than sending: a notification reaches
// each process's socket when its backend gets to it, and that process may answer a request first.
// So every listener, once it has dropped what it remembers, answers an announcement with an
// acknowledgement on the same channel, and `announce()` waits until every listening connection
// (counted by its application_name in pg_stat_activity) has acknowledged, at most 2 s.
import type { Client } from "pg";
import { ensureDatabase } from "@/lib/db/client";
import { env } from "@/lib/env";

export const INVALIDATION_CHANNEL = "gatehouse_invalidate";
/** The application_name of every listening connection: how an announcer counts who must acknowledge. */
export const LISTENER_APPLICATION_NAME = "gatehouse-invalidation";
const ACK = "ack";

export type InvalidationListener = {
  /** Whether entries may be remembered now: on PGlite always, on PostgreSQL while LISTEN is up. */
  live(): boolean;
  /**
   * Sends `topic` to every process (this one included) through NOTIFY. Resolves once every
   * listening process has acknowledged that it dropped what it remembered (at most ~2 s), so a
   * request sent after this resolves finds every cache already dropped.
   */
  announce(topic: string): Promise<void>;
  /** Resolves once `live()` (or false after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Stops listening (tests, shutdown). */
  close(): Promise<void>;
};

/**
 * Starts listening (PostgreSQL) and calls `onMessage(topic)` for each notification, and
 * `onMessage(null)` whenever the connection is (re)established or lost: notifications may have
 * been missed, so the caller forgets everything.
 */
export function createInvalidationListener(onMessage: (topic: string | null) => void): InvalidationListener {
  let mode: "starting" | "pglite" | "pg" = "starting";
  let up = false;
  let closed = false;
  let client: Client | null = null;
  let retryMs = 250;
  let timer: NodeJS.Timeout | null = null;
  // announce() nonce → its count of acknowledgements, until every listener has answered
  const echoes = new Map<string, () => void>();

  const down = (c: Client) => {
    if (client !== c) return; // an old connection's late event
    client = null;
    up = false;
    onMessage(null);
    c.end().catch(() => {});
    if (closed) return;
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  async function connect(): Promise<void> {
    timer = null;
    if (closed) return;
    const url = env().DATABASE_URL ?? "";
    const { Client } = await import("pg");
    const c = new Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: LISTENER_APPLICATION_NAME });
    client = c;
    c.on("notification", (m) => {
      if (m.channel !== INVALIDATION_CHANNEL) return;
      const [topic = "", nonce] = (m.payload ?? "").split("#", 2);
      if (topic === ACK) {
        if (nonce) echoes.get(nonce)?.();
        return;
      }
      onMessage(topic); // synchronous: what was remembered is gone before the acknowledgement
      if (nonce) c.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, `${ACK}#${nonce}`]).catch(() => {});
    });
    c.on("error", () => down(c));
    c.on("end", () => down(c));
    try {
      await c.connect();
      // A listener must not keep a process (a script, a test) alive on its own.
      (c as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      await c.query(`LISTEN ${INVALIDATION_CHANNEL}`);
      if (client !== c || closed) return;
      up = true;
      retryMs = 250;
      onMessage(null); // what was remembered before may have missed a notification
    } catch {
      down(c);
    }
  }

  // The database may be away when this starts: try again (live() stays false meanwhile).
  const start = () => {
    if (closed) return;
    ensureDatabase()
      .then((d) => {
        mode = d.kind === "pg" ? "pg" : "pglite";
        if (mode === "pg") return connect();
      })
      .catch(() => {
        timer = setTimeout(start, 1_000);
        timer.unref();
      });
  };
  start();

  const live = () => mode === "pglite" || (mode === "pg" && up);
  const ready = async (timeoutMs = 10_000) => {
    for (const until = Date.now() + timeoutMs; !live() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    return live();
  };
  return {
    live,
    ready,
    async announce(topic) {
      const d = await ensureDatabase();
      if (d.kind !== "pg") return;
      if (!(await ready(2_000))) {
        await d.pool.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, topic]);
        return; // not listening here: the other processes still get it, and nothing is remembered here
      }
      const nonce = crypto.randomUUID();
      let timeout: NodeJS.Timeout | undefined;
      let acks = 0;
      let expected = Infinity; // known once the notification is sent
      let resolveAll: () => void = () => {};
      const heard = new Promise<void>((resolve) => {
        resolveAll = resolve;
        echoes.set(nonce, () => {
          if (++acks >= expected) resolve();
        });
        timeout = setTimeout(resolve, 2_000);
      });
      try {
        // Counted in the same statement as the send: a listener that connects later forgets
        // everything when it connects, so it owes no acknowledgement.
        const { rows } = await d.pool.query<{ listeners: string }>(
          `SELECT pg_notify($1, $2), (SELECT count(*) FROM pg_stat_activity WHERE application_name = $3 AND datname = current_database()) AS listeners`,
          [INVALIDATION_CHANNEL, `${topic}#${nonce}`, LISTENER_APPLICATION_NAME],
        );
        expected = Math.max(1, Number(rows[0]?.listeners ?? 1));
        if (acks >= expected) resolveAll();
        await heard;
      } finally {
        clearTimeout(timeout);
        echoes.delete(nonce);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      up = false;
      await c?.end().catch(() => {});
    },
  };
}
