import { describe, expect, it } from "vitest";
import { requestInfo, requestOrigin } from "@/lib/api/request-info";

const ipOf = (h: Record<string, string>) => requestInfo(new Headers(h)).ip;

describe("requestInfo", () => {
  it("shows an IPv4 client of a dual-stack server as IPv4, and leaves real IPv6 alone", () => {
    expect(ipOf({ "x-forwarded-for": "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(ipOf({ "x-forwarded-for": "2001:db8::1" })).toBe("2001:db8::1");
    expect(ipOf({ "x-forwarded-for": "::1" })).toBe("::1");
    expect(ipOf({})).toBeNull();
  });

  it("reads only the address the edge set: the nearest hop, never X-Real-IP or a non-address", () => {
    expect(ipOf({ "x-forwarded-for": "203.0.113.7, ::FFFF:10.0.0.1" })).toBe("10.0.0.1");
    expect(ipOf({ "x-real-ip": "198.51.100.2" })).toBeNull();
    expect(ipOf({ "x-forwarded-for": "not-an-ip" })).toBeNull();
  });
});

describe("requestOrigin", () => {
  const origin = (h: Record<string, string>) => requestOrigin(new Request("http://127.0.0.1:1/x", { headers: h }));
  it("accepts only http/https and a valid host", () => {
    expect(origin({ host: "gh.example:8080", "x-forwarded-proto": "https" })).toBe("https://gh.example:8080");
    expect(() => origin({ "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" })).toThrow(/not a valid origin/);
    expect(() => origin({ "x-forwarded-host": "a b" })).toThrow(/not a valid origin/);
  });
});
