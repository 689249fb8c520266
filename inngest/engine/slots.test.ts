// Call slots: the per-key limit, and slow keys' starts spread out (slots.ts).
import { describe, expect, it } from "vitest";
import { SlotTable } from "@/inngest/engine/slots";

const org = (limit = 25) => [{ key: "org", limit }];

/** One run of `keys` that held its slot `ms`. */
const ran = (t: SlotTable, keys: { key: string; limit: number }[], ms: number) => {
  expect(t.reserve(keys)).toBe(true);
  t.release(keys, ms);
};

describe("SlotTable", () => {
  it("keeps to a key's limit", () => {
    const t = new SlotTable(200);
    for (let i = 0; i < 3; i++) expect(t.reserve(org(3))).toBe(true);
    expect(t.reserve(org(3))).toBe(false);
    expect(t.fullKeys()).toEqual(["org"]);
  });

  it("starts the runs of a key whose runs held their slot 10 s 40 ms apart (25 over a second), other keys at once", () => {
    const t = new SlotTable(200);
    ran(t, org(), 10_000); // its receiver hung until the timeout
    const now = 50_000;
    expect([0, 1, 2, 3].map(() => t.startDelay(org(), now))).toEqual([0, 40, 80, 120]);
    expect(t.startDelay([{ key: "other", limit: 25 }], now)).toBe(0);
    // A run with a slow key and a quick one waits for the slow key's turn.
    expect(t.startDelay([{ key: "other", limit: 25 }, ...org()], now)).toBe(160);
    // Later starts count from their own time once the booked turns have passed.
    expect(t.startDelay(org(), now + 1_000)).toBe(0);
    expect(t.startDelay(org(), now + 1_000)).toBe(40);
  });

  it("does not space out quick keys' runs, nor wait past MAX_SPACING_MS between two of a very slow one", () => {
    const t = new SlotTable(200);
    ran(t, org(), 30); // 30 ms calls: 0.12 ms apart, below the 20 ms floor
    expect([0, 1, 2].map(() => t.startDelay(org(), 100))).toEqual([0, 0, 0]);
    const sluggish = [{ key: "sluggish", limit: 25 }];
    ran(t, sluggish, 2_000); // an org whose receivers take 2 s: 8 ms apart, still not spread
    expect([0, 1, 2].map(() => t.startDelay(sluggish, 100))).toEqual([0, 0, 0]);
    const slow = [{ key: "one", limit: 1 }];
    ran(t, slow, 600_000); // 10-minute calls on a key of limit 1: 60 s apart, capped at 100 ms
    expect([0, 1].map(() => t.startDelay(slow, 1_000))).toEqual([0, 100]);
    // However many wait, none waits longer than asked (its lease must outlast the wait).
    expect([0, 1, 2, 3].map(() => t.startDelay(slow, 2_000, 150))).toEqual([0, 100, 150, 150]);
  });

  it("learns only from slots runs held: a reserved slot no run took does not count", () => {
    const t = new SlotTable(200);
    t.reserve(org());
    t.release(org()); // planned, not used
    expect([0, 1].map(() => t.startDelay(org(), 10))).toEqual([0, 0]);
  });
});
