import { describe, expect, it } from "vitest";
import { createBatcher, createLoader, valuesList } from "@/lib/db/sql";

describe("createBatcher (group commit)", () => {
  it("writes the first item at once and groups what arrives meanwhile", async () => {
    const batches: number[][] = [];
    const add = createBatcher<number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => add(n)));
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("fails only the callers of a failed write, and keeps going", async () => {
    const add = createBatcher<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes(2)) throw new Error("bad batch");
    });
    const results = await Promise.allSettled([add(1), add(2), add(3), add(4)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "rejected"]);
    await expect(add(5)).resolves.toBeUndefined();
  });

  it("caps a batch at maxBatch items", async () => {
    const sizes: number[] = [];
    const add = createBatcher<number>(async (items) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => add(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});

describe("valuesList", () => {
  it("numbers placeholders row by row, with casts", () => {
    expect(valuesList(2, 2, ["", "::jsonb"])).toBe("($1,$2::jsonb),($3,$4::jsonb)");
  });
});

describe("prepared", () => {
  it("refuses one name for two different queries (PostgreSQL would run the first for both)", async () => {
    const { prepared } = await import("@/lib/db/sql");
    prepared("gatehouse_test_same", "SELECT 1");
    expect(() => prepared("gatehouse_test_same", "SELECT 1")).not.toThrow();
    expect(() => prepared("gatehouse_test_same", "SELECT 2")).toThrow(/another query/);
  });
});

describe("createLoader (read coalescing)", () => {
  it("sends concurrent keys together, distinct, and answers each caller with its own value", async () => {
    const loads: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const get = createLoader<string, string>(async (keys) => {
      loads.push(keys);
      if (loads.length === 1) await gate;
      return new Map(keys.filter((k) => k !== "missing").map((k) => [k, k.toUpperCase()]));
    }, 100, 1);
    const first = get("a");
    const rest = [get("b"), get("a"), get("missing")];
    release();
    expect(await first).toBe("A");
    expect(await Promise.all(rest)).toEqual(["B", "A", undefined]);
    // "a" asked again while the first load was in flight waited for a load of its own.
    expect(loads).toEqual([["a"], ["b", "a", "missing"]]);
  });

  it("runs up to `concurrency` loads at once, and remembers nothing afterwards", async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const get = createLoader<number, number>(async (keys) => {
      calls++;
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return new Map(keys.map((k) => [k, calls]));
    }, 100, 2);
    await Promise.all([get(1), get(2), get(3)]);
    expect(most).toBe(2);
    const before = calls;
    await get(1);
    expect(calls).toBe(before + 1);
  });

  it("rejects every caller of a failed load", async () => {
    const get = createLoader<number, number>(async () => {
      throw new Error("down");
    });
    await expect(Promise.all([get(1), get(2)])).rejects.toThrow("down");
  });
});
