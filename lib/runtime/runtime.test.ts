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

  it("createRuntime() makes a fresh one (nothing shared with the process's)", async () => {
    const { createRuntime, runtime } = await import("@/lib/runtime/runtime");
    const fresh = createRuntime();
    expect(fresh).not.toBe(runtime());
    expect(fresh.tokens.entries.size).toBe(0);
  });
});
