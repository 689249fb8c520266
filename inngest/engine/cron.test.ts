import { describe, expect, it } from "vitest";
import { nextCronTime, parseCron } from "@/inngest/engine/cron";

const at = (iso: string) => new Date(iso);

describe("cron", () => {
  it("finds the next matching minute", () => {
    expect(nextCronTime("*/5 * * * *", at("2026-01-01T10:02:30Z"))).toEqual(at("2026-01-01T10:05:00Z"));
    expect(nextCronTime("*/5 * * * *", at("2026-01-01T10:05:00Z"))).toEqual(at("2026-01-01T10:10:00Z"));
    expect(nextCronTime("0 9 * * mon-fri", at("2026-01-02T09:00:00Z"))).toEqual(at("2026-01-05T09:00:00Z")); // Fri → Mon
    expect(nextCronTime("@daily", at("2026-12-31T23:59:00Z"))).toEqual(at("2027-01-01T00:00:00Z"));
    expect(nextCronTime("0 0 29 2 *", at("2026-03-01T00:00:00Z"))).toEqual(at("2028-02-29T00:00:00Z"));
    expect(nextCronTime("TZ=UTC 30 6 1 jan *", at("2026-06-01T00:00:00Z"))).toEqual(at("2027-01-01T06:30:00Z"));
  });

  it("matches either day field when both are restricted, and 7 as Sunday", () => {
    expect(nextCronTime("0 0 1 * 0", at("2026-01-02T00:00:00Z"))).toEqual(at("2026-01-04T00:00:00Z")); // a Sunday
    expect(nextCronTime("0 0 * * 7", at("2026-01-02T00:00:00Z"))).toEqual(at("2026-01-04T00:00:00Z"));
  });

  it("refuses what it cannot honour", () => {
    expect(() => parseCron("* * * *")).toThrow();
    expect(() => parseCron("61 * * * *")).toThrow();
    expect(() => parseCron("TZ=Europe/Paris 0 9 * * *")).toThrow(/UTC only/);
  });
});
