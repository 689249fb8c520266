import { describe, expect, it } from "vitest";
import { crc32, generateSecret, parseSecret } from "@/lib/credentials/secret-format";

describe("secret format", () => {
  it("generates prefixed secrets that pass their own checksum", () => {
    const s = generateSecret("clientSecret", "live");
    expect(s).toMatch(/^gsk_live_[0-9A-Za-z]{36}$/);
    expect(parseSecret(s)).toEqual({ kind: "clientSecret", environment: "live" });
    expect(parseSecret(generateSecret("accessToken", "test"))).toEqual({ kind: "accessToken", environment: "test" });
  });
  it("rejects a changed character, a truncation and a foreign prefix", () => {
    const s = generateSecret("accessToken", "test");
    const flipped = s.slice(0, 12) + (s[12] === "a" ? "b" : "a") + s.slice(13);
    expect(parseSecret(flipped)).toBeNull();
    expect(parseSecret(s.slice(0, -1))).toBeNull();
    expect(parseSecret("ghp_" + s.slice(4))).toBeNull();
  });
  it("computes the standard CRC-32", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
  });
  it("does not repeat", () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateSecret("clientSecret", "test")));
    expect(seen.size).toBe(2000);
  });
});
