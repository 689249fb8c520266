import { describe, expect, it } from "vitest";
import { ulid } from "@/inngest/engine/ulid";

describe("ulid", () => {
  it("sorts in creation order, also within one millisecond and for an earlier clock reading", () => {
    const t = Date.now() + 10_000;
    const ids = [ulid(t), ulid(t), ulid(t), ulid(t - 5), ulid(t + 1), ulid(t + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
  });
});
