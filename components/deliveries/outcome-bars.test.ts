import { describe, expect, it } from "vitest";
import { yTicks } from "@/components/deliveries/outcome-bars";

describe("yTicks", () => {
  it("gives whole, round steps from 0 to a top at or above the largest bar", () => {
    expect(yTicks(0)).toEqual([0, 1]);
    expect(yTicks(1)).toEqual([0, 1]);
    expect(yTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(yTicks(10)).toEqual([0, 5, 10]);
    expect(yTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(yTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });
  it("never has more than six ticks nor a top below the maximum", () => {
    for (let max = 1; max <= 5000; max += 7) {
      const t = yTicks(max);
      expect(t.length).toBeLessThanOrEqual(6);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
      expect(t.every((v) => Number.isInteger(v))).toBe(true);
    }
  });
});
