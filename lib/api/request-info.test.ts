import { describe, expect, it } from "vitest";
import { requestInfo } from "@/lib/api/request-info";

const ipOf = (h: Record<string, string>) => requestInfo(new Headers(h)).ip;

describe("requestInfo", () => {
  it("shows an IPv4 client of a dual-stack server as IPv4, and leaves real IPv6 alone", () => {
    expect(ipOf({ "x-forwarded-for": "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(ipOf({ "x-forwarded-for": "::FFFF:203.0.113.7, 10.0.0.1" })).toBe("203.0.113.7");
    expect(ipOf({ "x-forwarded-for": "2001:db8::1" })).toBe("2001:db8::1");
    expect(ipOf({ "x-forwarded-for": "::1" })).toBe("::1");
    expect(ipOf({ "x-real-ip": "::ffff:198.51.100.2" })).toBe("198.51.100.2");
    expect(ipOf({})).toBeNull();
  });
});
