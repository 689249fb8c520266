import { describe, expect, it } from "vitest";
import {
  bucketRange,
  bucketTick,
  deliveriesCount,
  formatCompact,
  outcomesSummary,
  successRate,
  formatHeaders,
  formatLatency,
  lastResponse,
  prettyBody,
  sinceToIso,
} from "@/components/deliveries/format";
import { formatRelative } from "@/components/ui/time-format";

const NOW = Date.parse("2025-06-01T12:00:00Z");

/** A time as a datetime-local input shows it in the viewer's time zone: "2025-06-01T05:00". */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe("deliveries formatting", () => {
  it("says relative times with seconds for the first retries", () => {
    expect(formatRelative("2025-06-01T12:00:02Z", { now: NOW, seconds: true })).toBe("in a moment");
    expect(formatRelative("2025-06-01T11:59:58Z", { now: NOW, seconds: true })).toBe("just now");
    expect(formatRelative("2025-06-01T12:00:30Z", { now: NOW, seconds: true })).toMatch(/30 sec/);
    expect(formatRelative("2025-06-01T11:55:00Z", { now: NOW, seconds: true })).toMatch(/5 min/);
    expect(formatRelative("2025-05-31T12:00:00Z", { now: NOW, seconds: true })).toMatch(/yesterday|1 day/);
  });

  it("summarises the last response as status code, else error, else nothing yet", () => {
    expect(lastResponse({ last_response_status: 200, last_error: null })).toEqual({ text: "200", tone: "ok" });
    expect(lastResponse({ last_response_status: 500, last_error: "HTTP 500" })).toEqual({ text: "500", tone: "bad" });
    expect(lastResponse({ last_response_status: null, last_error: "connection refused" })).toEqual({
      text: "connection refused",
      tone: "bad",
    });
    expect(lastResponse({ last_response_status: null, last_error: null }).tone).toBe("none");
  });

  it("pretty-prints JSON bodies and leaves anything else as sent", () => {
    expect(prettyBody('{"a":1,"b":[2]}')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    expect(prettyBody("{not json")).toBe("{not json");
    expect(prettyBody("ok")).toBe("ok");
  });

  it("lists headers one per line and formats latency and counts", () => {
    expect(formatHeaders({ "webhook-id": "msg_1", "content-type": "application/json" })).toBe(
      "webhook-id: msg_1\ncontent-type: application/json",
    );
    expect(formatHeaders(null)).toBe("");
    expect(formatLatency(412)).toBe("412 ms");
    expect(formatLatency(1340)).toBe("1.3 s");
    expect(formatLatency(null)).toBe("—");
    expect(deliveriesCount(1)).toBe("1 delivery");
    expect(deliveriesCount(0)).toBe("0 deliveries");
  });

  it("turns the replay-all choice into an ISO time the API accepts", () => {
    expect(sinceToIso("1h", "", NOW)).toBe("2025-06-01T11:00:00.000Z");
    expect(sinceToIso("7d", "", NOW)).toBe("2025-05-25T12:00:00.000Z");
    // datetime-local has no offset: it is the viewer's local time. A day before NOW is in the
    // past in every time zone (offsets span UTC-12 to UTC+14), so this holds wherever it runs.
    expect(sinceToIso("custom", "2025-05-31T09:30", NOW)).toBe(new Date(2025, 4, 31, 9, 30).toISOString());
    // A minute either side of NOW, written as the viewer's wall clock: the past one is accepted,
    // the future one refused.
    expect(sinceToIso("custom", localInput(NOW - 60_000), NOW)).toBe(new Date(NOW - 60_000).toISOString());
    expect(sinceToIso("custom", localInput(NOW + 60_000), NOW)).toBeNull();
    expect(sinceToIso("custom", "", NOW)).toBeNull();
    expect(sinceToIso("custom", "garbage", NOW)).toBeNull();
    expect(sinceToIso("custom", "2099-01-01T00:00", NOW)).toBeNull();
  });

  it("sums the outcome chart up in words, and says when it is empty", () => {
    expect(outcomesSummary({ succeeded: 10, failed: 1, pending: 1, held: 0 }, "24 hours")).toBe(
      "Last 24 hours: 12 deliveries, 10 succeeded, 1 failed, 1 pending, 0 held.",
    );
    expect(outcomesSummary({ succeeded: 0, failed: 0, pending: 0, held: 1 }, "7 days")).toBe(
      "Last 7 days: 1 delivery, 0 succeeded, 0 failed, 0 pending, 1 held.",
    );
    expect(outcomesSummary({ succeeded: 0, failed: 0, pending: 0, held: 0 }, "24 hours")).toBe("No deliveries in the last 24 hours");
  });

  it("keeps axis counts short", () => {
    expect(formatCompact(750)).toBe("750");
    expect(formatCompact(1200)).toMatch(/^1\.2\s?K$/);
  });

  it("gives a success rate over finished deliveries that never rounds a failure away", () => {
    expect(successRate({ succeeded: 0, failed: 0 })).toBeNull();
    expect(successRate({ succeeded: 3, failed: 1 })).toBe("75%");
    expect(successRate({ succeeded: 999, failed: 1 })).toBe("99.9%");
    expect(successRate({ succeeded: 99_999, failed: 1 })).toBe("99.9%");
    expect(successRate({ succeeded: 1, failed: 9_999 })).toBe("0.1%");
    expect(successRate({ succeeded: 5, failed: 0 })).toBe("100%");
  });

  it("names hour buckets in local time and day buckets as UTC days", () => {
    // 23:00 UTC on the 24th is the 24th as a UTC day wherever the viewer is.
    expect(bucketTick("2025-11-24T00:00:00.000Z", 86_400)).toMatch(/Nov 24/);
    expect(bucketTick("2025-11-24T23:00:00.000Z", 86_400)).toMatch(/Nov 24/);
    expect(bucketRange("2025-11-24T00:00:00.000Z", 86_400)).toMatch(/Nov 24.*\(UTC\)$/);
    const start = "2025-06-01T14:00:00.000Z";
    const local = (iso: string) => new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(new Date(iso));
    expect(bucketRange(start, 3600)).toBe(`${local(start)} – ${local("2025-06-01T15:00:00.000Z")}`);
  });

  it("names buckets the same wherever it runs with the fixed zone (what the server renders and hydration expects)", () => {
    // Whatever the process's time zone and language: UTC, en-US.
    expect(bucketTick("2025-06-01T14:00:00.000Z", 3600, "fixed")).toBe("2 PM");
    expect(bucketRange("2025-06-01T14:00:00.000Z", 3600, "fixed")).toBe("2:00 PM – 3:00 PM (UTC)");
    expect(bucketRange("2025-11-24T23:00:00.000Z", 86_400, "fixed")).toBe("Mon, Nov 24 (UTC)");
    expect(formatCompact(1200, "fixed")).toBe("1.2K");
  });
});
