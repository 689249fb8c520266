import { describe, expect, it } from "vitest";
import {
  deliveriesCount,
  formatHeaders,
  formatLatency,
  formatRelative,
  lastResponse,
  prettyBody,
  sinceToIso,
} from "@/components/deliveries/format";

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("deliveries formatting", () => {
  it("says relative times with seconds for the first retries", () => {
    expect(formatRelative("2025-06-01T12:00:02Z", NOW)).toBe("in a moment");
    expect(formatRelative("2025-06-01T11:59:58Z", NOW)).toBe("just now");
    expect(formatRelative("2025-06-01T12:00:30Z", NOW)).toMatch(/30 sec/);
    expect(formatRelative("2025-06-01T11:55:00Z", NOW)).toMatch(/5 min/);
    expect(formatRelative("2025-05-31T12:00:00Z", NOW)).toMatch(/yesterday|1 day/);
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
    // datetime-local has no offset: it is the viewer's local time.
    expect(sinceToIso("custom", "2025-06-01T09:30", NOW)).toBe(new Date(2025, 5, 1, 9, 30).toISOString());
    expect(sinceToIso("custom", "", NOW)).toBeNull();
    expect(sinceToIso("custom", "garbage", NOW)).toBeNull();
    expect(sinceToIso("custom", "2099-01-01T00:00", NOW)).toBeNull();
  });
});
