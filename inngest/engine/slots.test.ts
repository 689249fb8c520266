// Call slots: the per-key limit, and slow keys' starts spread out (slots.ts).
import { describe, expect, it } from "vitest";
import { SlotTable } from "@/inngest/engine/slots";

const org = (limit = 25) => [{ key: "org", limit }];

describe("SlotTable", () => {
  it("keeps to a key's limit", () => {
    const t = new SlotTable(200);
    for (let i = 0; i < 3; i++) expect(t.reserve(org(3), 0)).toBe(true);
    expect(t.reserve(org(3), 0)).toBe(false);
    expect(t.fullKeys()).toEqual(["org"]);
  });

  it("starts a key whose runs held their slot 10 s at most one run per 40 ms (25 over a second), and says until when", () => {
    const t = new SlotTable(200);
    expect(t.reserve(org(), 1_000)).toBe(true);
    t.release(org(), 10_000); // one run held its slot 10 s (its receiver hung until the timeout)
    const now = 50_000;
    expect(t.reserve(org(), now)).toBe(true);
    expect(t.reserve(org(), now)).toBe(false); // the next start of this key is not due yet
    expect(t.reserve(org(), now + 39)).toBe(false);
    expect(t.paced(now + 39)).toEqual({ keys: ["org"], until: now + 40 });
    expect(t.reserve([{ key: "other", limit: 25 }], now)).toBe(true); // other keys are not held back
    expect(t.reserve(org(), now + 40)).toBe(true);
    expect(t.paced(now + 80)).toEqual({ keys: [], until: undefined });
  });

  it("does not space out a quick key's runs, nor wait past MAX_SPACING_MS for a very slow one", () => {
    const t = new SlotTable(200);
    t.reserve(org(), 0);
    t.release(org(), 30); // 30 ms calls: 0.12 ms apart, below the 20 ms floor
    for (let i = 0; i < 10; i++) expect(t.reserve(org(), 100)).toBe(true);
    expect(t.paced(100).keys).toEqual([]);
    const sluggish = [{ key: "sluggish", limit: 25 }];
    t.reserve(sluggish, 0);
    t.release(sluggish, 2_000); // an org whose receivers take 2 s: 8 ms apart, still not spread
    for (let i = 0; i < 10; i++) expect(t.reserve(sluggish, 100)).toBe(true);
    const slow = [{ key: "one", limit: 1 }];
    t.reserve(slow, 0);
    t.release(slow, 600_000); // 10-minute calls on a key of limit 1: 60 s apart, capped at 100 ms
    expect(t.reserve(slow, 1_000)).toBe(true);
    t.release(slow, 600_000);
    expect(t.reserve(slow, 1_099)).toBe(false);
    expect(t.reserve(slow, 1_100)).toBe(true);
  });

  it("learns only from slots runs held: a reserved slot no run took does not count", () => {
    const t = new SlotTable(200);
    t.reserve(org(), 0);
    t.release(org()); // planned, not used
    for (let i = 0; i < 5; i++) expect(t.reserve(org(), 10)).toBe(true);
  });
});
