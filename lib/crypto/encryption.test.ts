import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, encrypt } from "@/lib/crypto/encryption";

describe("AES-256-GCM", () => {
  it("round-trips and never returns the plaintext in the ciphertext", () => {
    const c = encrypt("whsec_abc");
    expect(c.startsWith("v1:")).toBe(true);
    expect(c).not.toContain("whsec_abc");
    expect(decrypt(c)).toBe("whsec_abc");
    expect(encrypt("whsec_abc")).not.toBe(c); // fresh IV each time
  });
  it("refuses a tampered ciphertext and a wrong key", () => {
    const c = encrypt("secret");
    const bytes = Buffer.from(c.slice(3), "base64url");
    bytes[14] ^= 1;
    expect(() => decrypt("v1:" + bytes.toString("base64url"))).toThrow();
    expect(() => decrypt(c, randomBytes(32))).toThrow();
  });
});
