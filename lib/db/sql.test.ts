import { describe, expect, it } from "vitest";
import { createBatcher, valuesList } from "@/lib/db/sql";

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
