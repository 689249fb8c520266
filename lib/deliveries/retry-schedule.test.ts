import { describe, expect, it } from "vitest";
import { parseRetryAfter, parseRetrySchedule, retryDelayMs } from "@/lib/deliveries/retry-schedule";

describe("retry schedule", () => {
  it("defaults to 30s, 2m, 5m, 15m, 1h, 6h, 24h", () => {
    expect(parseRetrySchedule(undefined)).toEqual([30e3, 120e3, 300e3, 900e3, 3600e3, 21600e3, 86400e3]);
  });
  it("parses an override and rejects nonsense", () => {
    expect(parseRetrySchedule("1s,2s,500ms")).toEqual([1000, 2000, 500]);
    expect(() => parseRetrySchedule("1s,soon")).toThrow(/soon/);
  });
  it("uses the schedule, and a Retry-After capped at the longest wait (at least an hour)", () => {
    const s = [1000, 2000, 3000];
    expect(retryDelayMs(0, null, s)).toBe(1000);
    expect(retryDelayMs(2, null, s)).toBe(3000);
    expect(retryDelayMs(0, 2500, s)).toBe(2500);
    expect(retryDelayMs(0, 10 * 3600e3, s)).toBe(3600e3);
    expect(retryDelayMs(0, 48 * 3600e3, [30e3, 86400e3])).toBe(86400e3);
    expect(retryDelayMs(0, 0, s)).toBe(1000); // never hammer
  });
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("120")).toBe(120_000);
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("later")).toBeNull();
  });
});
