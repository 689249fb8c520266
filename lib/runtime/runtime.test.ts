// One runtime per process, whichever copy of lib/ asks: Next.js's bundles and the lean layer's
// graph each evaluate these modules, and must share the database connection and the caches.
import { describe, expect, it, vi } from "vitest";

describe("the process's runtime", () => {
  it("is one object for every copy of the modules, and owns the database client and the token cache", async () => {
    const first = await import("@/lib/runtime/runtime");
    const { db: db1 } = await import("@/lib/db/client");
    const cache1 = await import("@/lib/credentials/token-cache");
    vi.resetModules(); // a second module graph, as Next.js's bundle is beside the lean layer's
    const second = await import("@/lib/runtime/runtime");
    const { db: db2 } = await import("@/lib/db/client");
    const cache2 = await import("@/lib/credentials/token-cache");
    expect(second).not.toBe(first); // really another copy of the module
    expect(second.runtime()).toBe(first.runtime());
    expect(db2).toBe(db1);
    expect(first.runtime().db.prisma).toBe(db1);
    // A forget through one copy is seen through the other.
    const epoch = cache1.tokenEpoch();
    cache2.forgetTokens();
    expect(cache1.tokenEpoch()).toBe(epoch + 1);
    expect(first.runtime().db.scope).toBe("per-process");
    expect(first.runtime().tokens.scope).toBe("per-process");
  });

  it("holds the dispatcher, URL policy, executor, batchers, ids and generated secrets: one for every module graph", async () => {
    const { runtime } = await import("@/lib/runtime/runtime");
    const load = async () => ({
      dispatch: await import("@/lib/events/dispatch"),
      urls: await import("@/lib/webhooks/url-policy"),
      sql: await import("@/lib/db/sql"),
      inProcess: await import("@/inngest/engine/in-process"),
      config: await import("@/inngest/engine/embedded-config"),
      secrets: await import("@/lib/crypto/local-secret"),
    });
    const a = await load();
    vi.resetModules(); // Next.js's graph beside the lean layer's
    const b = await load();
    expect(b.dispatch).not.toBe(a.dispatch);

    // A dispatcher installed through one graph is the one the other's ingestion calls.
    const sent: unknown[] = [];
    const previous = a.dispatch.setDeliveryDispatcher(async (refs) => void sent.push(...refs));
    try {
      await b.dispatch.dispatchDeliveries(["dl_1"]);
      expect(sent).toEqual(["dl_1"]);
    } finally {
      a.dispatch.setDeliveryDispatcher(previous);
    }

    // The URL policy's override.
    const allowed = a.urls.allowPrivateUrls();
    a.urls.setAllowPrivateUrlsForTests(!allowed);
    expect(b.urls.allowPrivateUrls()).toBe(!allowed);
    a.urls.setAllowPrivateUrlsForTests(undefined);
    expect(b.urls.allowPrivateUrls()).toBe(allowed);

    // One group commit whichever graph adds to it, written by the copy evaluated last.
    const written: string[] = [];
    const add1 = a.sql.processBatcher<number>("runtime-test.batch", async (items) => void written.push(...items.map((i) => `a${i}`)));
    const add2 = b.sql.processBatcher<number>("runtime-test.batch", async (items) => void written.push(...items.map((i) => `b${i}`)));
    expect(add2).toBe(add1);
    await Promise.all([add1(1), add2(2)]);
    expect(written.sort()).toEqual(["b1", "b2"]);

    // The executor: its keys, its URL and its in-process handlers.
    expect(b.config.embeddedKeys()).toEqual(a.config.embeddedKeys());
    a.config.setEmbeddedExecutorUrl("http://127.0.0.1:9/");
    try {
      expect(b.config.embeddedExecutorUrl()).toBe("http://127.0.0.1:9/");
      const unregister = a.inProcess.registerInProcess("http://127.0.0.1:9/x", async () => new Response("in-process"));
      try {
        expect(await (await b.inProcess.inProcessFetch("http://127.0.0.1:9/x/y")).text()).toBe("in-process");
      } finally {
        unregister();
      }
    } finally {
      a.config.setEmbeddedExecutorUrl(undefined);
    }
    expect(b.config.usesEmbeddedExecutor()).toBe(a.config.usesEmbeddedExecutor());
    expect(runtime().executor.mode).toBeDefined();

    // A secret generated for a memory:// database signs alike in both graphs.
    if (process.env.DATABASE_URL?.startsWith("memory://")) expect(b.secrets.authSecret()).toBe(a.secrets.authSecret());

    // Each piece says what it is: nothing here is shared (what must agree is in PostgreSQL).
    const r = runtime() as unknown as Record<string, { scope: string }>;
    for (const key of ["server", "db", "tokens", "limits", "dispatch", "urlPolicy", "ids", "secrets", "events", "executor"]) {
      expect(r[key]?.scope, key).toBe("per-process");
    }
  });

  it("names where shared state lives, and each table and channel it names exists", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const path = await import("node:path");
    const { runtime } = await import("@/lib/runtime/runtime");
    const { INVALIDATION_CHANNEL } = await import("@/lib/db/invalidation");
    const { shared } = runtime();
    expect(shared.scope).toBe("shared");
    const dir = path.resolve(import.meta.dirname, "../../prisma/schema");
    const schema = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8")).join("\n");
    const tables = [shared.rateLimits.table, shared.signInThrottle.table, shared.endpointThrottle.table, ...shared.executor.tables];
    for (const t of tables) expect(schema, t).toMatch(new RegExp(`^model ${t} \\{`, "m"));
    expect(shared.cacheInvalidation.channel).toBe(INVALIDATION_CHANNEL);
  });

  it("createRuntime() makes a fresh one (nothing shared with the process's)", async () => {
    const { createRuntime, runtime } = await import("@/lib/runtime/runtime");
    const fresh = createRuntime();
    expect(fresh).not.toBe(runtime());
    expect(fresh.tokens.entries.size).toBe(0);
  });
});
