import { describe, expect, it } from "vitest";
import { parseRetryAfter, parseTimeString, sleepUntil } from "@/inngest/engine/time";

describe("time strings", () => {
  it("parses the SDK's and the spec's durations", () => {
    expect(parseTimeString("1s")).toBe(1_000);
    expect(parseTimeString("1m30s")).toBe(90_000);
    expect(parseTimeString("2h45m")).toBe(9_900_000);
    expect(parseTimeString("1.5h")).toBe(5_400_000);
    expect(parseTimeString("300ms")).toBe(300);
    expect(parseTimeString("1w1d")).toBe(8 * 86_400_000);
    expect(parseTimeString("soon")).toBeUndefined();
    expect(parseTimeString("5x")).toBeUndefined();
  });

  it("ends a sleep after a duration or at an RFC 3339 date", () => {
    expect(sleepUntil("2m", 1_000)).toBe(121_000);
    expect(sleepUntil("2030-01-01T00:00:00.000Z", 0)).toBe(Date.UTC(2030, 0, 1));
    expect(sleepUntil("tomorrow-ish", 0)).toBeUndefined();
  });
});

describe("retry-after", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("takes delay-seconds", () => {
    expect(parseRetryAfter("30", now)).toBe(now + 30_000);
    expect(parseRetryAfter("0", now)).toBe(now);
  });
  it("takes an HTTP date and an RFC 3339 date", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:02:00 GMT", now)).toBe(now + 120_000);
    expect(parseRetryAfter("2026-01-01T13:00:00.000Z", now)).toBe(now + 3_600_000);
  });
  it("never schedules into the past and ignores garbage", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now)).toBe(now);
    expect(parseRetryAfter("later", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
