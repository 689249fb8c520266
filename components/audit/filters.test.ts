import { describe, expect, it } from "vitest";
import {
  filtersFromSearchParams,
  filtersToSearchParams,
  hasFilters,
  isoToLocalInput,
  localInputToIso,
  toIsoWithOffset,
} from "@/components/audit/filters";
import { changedFields } from "@/components/audit/format";
import { formatRelative } from "@/components/ui/time-format";

describe("audit filters in the URL", () => {
  it("round-trips the set filters and leaves out empty ones", () => {
    const p = filtersToSearchParams({ actor: " ada@example.test ", action: "member.", from: "", to: "", environment: "live" });
    expect(p.toString()).toBe("actor=ada%40example.test&action=member.&environment=live");
    expect(filtersFromSearchParams(p)).toEqual({ actor: "ada@example.test", action: "member.", from: "", to: "", environment: "live" });
  });

  it("drops values the API would refuse: an unknown environment, an unparseable time", () => {
    const f = filtersFromSearchParams(new URLSearchParams("environment=prod&from=yesterday&to=2026-01-01T00:00:00Z"));
    expect(f).toMatchObject({ environment: "", from: "", to: "2026-01-01T00:00:00Z" });
    expect(hasFilters(f)).toBe(true);
    expect(hasFilters(filtersFromSearchParams(new URLSearchParams()))).toBe(false);
  });
});

describe("datetime-local ↔ ISO with offset", () => {
  it("formats local wall-clock time with the local offset, denoting the same instant", () => {
    const d = new Date(2026, 10, 25, 9, 5, 7, 42);
    const iso = toIsoWithOffset(d);
    expect(iso).toMatch(/^2026-11-25T09:05:07\.042[+-]\d{2}:\d{2}$/);
    expect(new Date(iso).getTime()).toBe(d.getTime());
  });

  it("a From bound starts at the minute, a To bound covers the whole minute", () => {
    const from = localInputToIso("2026-11-25T10:05");
    const to = localInputToIso("2026-11-25T10:05", { end: true });
    expect(new Date(from).getTime()).toBe(new Date(2026, 10, 25, 10, 5, 0, 0).getTime());
    expect(new Date(to).getTime()).toBe(new Date(2026, 10, 25, 10, 5, 59, 999).getTime());
    expect(isoToLocalInput(from)).toBe("2026-11-25T10:05");
    expect(isoToLocalInput(to)).toBe("2026-11-25T10:05");
    expect(localInputToIso("")).toBe("");
    expect(localInputToIso("garbage")).toBe("");
  });
});

describe("format", () => {
  it("says how long ago, in words", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(formatRelative("2026-11-25T11:59:50Z", { now })).toBe("just now");
    expect(formatRelative("2026-11-25T11:55:00Z", { now })).toMatch(/5 minutes ago/);
    expect(formatRelative("2026-11-25T09:00:00Z", { now })).toMatch(/3 hours ago/);
  });

  it("lists the top-level fields that changed", () => {
    expect(changedFields({ name: "a", role: "viewer" }, { name: "a", role: "admin" })).toEqual([
      { key: "role", before: "viewer", after: "admin" },
    ]);
    expect(changedFields(null, { name: "new" })).toEqual([{ key: "name", before: "(none)", after: "new" }]);
    expect(changedFields(null, null)).toEqual([]);
  });
});
