import { expect, it } from "vitest";
import { createByteBudget } from "@/lib/deliveries/byte-budget";

const tick = () => new Promise((r) => setTimeout(r, 0));

it("holds takers to the capacity, first come first served, and lets an oversized one go alone", async () => {
  const budget = createByteBudget(() => 100);
  const a = await budget.acquire(60);
  const order: string[] = [];
  const b = budget.acquire(50).then((h) => (order.push("b"), h));
  const c = budget.acquire(10).then((h) => (order.push("c"), h)); // fits, but waits its turn behind b
  await tick();
  expect(order).toEqual([]);
  a.release();
  const hb = await b;
  const hc = await c;
  expect(order).toEqual(["b", "c"]);
  expect(budget.used).toBe(60);
  hb.release();
  hc.release();
  expect(budget.used).toBe(0);
  // Larger than the whole budget: goes when nothing is held, and holds up everyone after it.
  const big = await budget.acquire(500);
  let small = false;
  void budget.acquire(1).then(() => (small = true));
  await tick();
  expect(small).toBe(false);
  big.release();
  await tick();
  expect(small).toBe(true);
});

it("counts what a taker grew to without waiting, and releases it all once", async () => {
  const budget = createByteBudget(() => 100);
  const h = await budget.acquire(10);
  h.grow(300); // turned out larger than guessed
  expect(budget.used).toBe(300);
  let next = false;
  void budget.acquire(10).then(() => (next = true));
  await tick();
  expect(next).toBe(false);
  h.grow(5); // never shrinks what is held
  h.release();
  h.release(); // twice is once
  await tick();
  expect(next).toBe(true);
  expect(budget.used).toBe(10);
});

it("take never waits: later takers wait for it instead", async () => {
  const budget = createByteBudget(() => 100);
  const held = budget.take(150);
  expect(budget.used).toBe(150);
  let next = false;
  void budget.acquire(1).then(() => (next = true));
  await tick();
  expect(next).toBe(false);
  held.release();
  await tick();
  expect(next).toBe(true);
});
