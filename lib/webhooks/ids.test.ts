import { describe, expect, it } from "vitest";
import { newDeliveryId, newEndpointId, newEventId, timeOrderedId } from "@/lib/webhooks/ids";

describe("ids", () => {
  it("have their prefixes and sort in creation order, even within one millisecond", () => {
    expect(newEndpointId()).toMatch(/^ep_[0-9a-f-]{36}$/);
    expect(newEventId()).toMatch(/^evt_[0-9a-z]{26}$/);
    const ids = Array.from({ length: 2000 }, () => newDeliveryId());
    expect(ids.every((id) => /^msg_[0-9a-z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const t = Date.now() + 10_000;
    const [a, b] = [timeOrderedId(t), timeOrderedId(t - 5)]; // a clock step back still sorts after
    expect(a < b).toBe(true);
  });
});
