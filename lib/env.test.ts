import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("GATEHOUSE_TRUSTED_PROXIES, GATEHOUSE_PUBLIC_URL and HOSTNAME", () => {
  it("parse a list of IPv4/IPv6 addresses and CIDRs, and refuse anything else at start-up", () => {
    expect(parseEnv({ GATEHOUSE_TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1" }).GATEHOUSE_TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1",
    ]);
    expect(parseEnv({}).GATEHOUSE_TRUSTED_PROXIES).toEqual([]);
    expect(() => parseEnv({ GATEHOUSE_TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/GATEHOUSE_TRUSTED_PROXIES/);
    expect(() => parseEnv({ GATEHOUSE_TRUSTED_PROXIES: "proxy.example" })).toThrow(/GATEHOUSE_TRUSTED_PROXIES/);
  });

  it("take the public URL as an http(s) origin, without a path", () => {
    expect(parseEnv({ GATEHOUSE_PUBLIC_URL: "https://Gatehouse.example.com/" }).GATEHOUSE_PUBLIC_URL).toBe("https://gatehouse.example.com");
    expect(parseEnv({ GATEHOUSE_PUBLIC_URL: "http://10.0.0.5:3000" }).GATEHOUSE_PUBLIC_URL).toBe("http://10.0.0.5:3000");
    for (const bad of ["gatehouse.example.com", "https://gatehouse.example.com/app", "javascript://x", "ftp://x", "https://u:p@x", "https://x/?a=1"]) {
      expect(() => parseEnv({ GATEHOUSE_PUBLIC_URL: bad }), bad).toThrow(/GATEHOUSE_PUBLIC_URL/);
    }
  });

  it("take HOSTNAME as a listen address", () => {
    expect(parseEnv({ HOSTNAME: "127.0.0.1" }).HOSTNAME).toBe("127.0.0.1");
    expect(() => parseEnv({ HOSTNAME: "a b" })).toThrow(/HOSTNAME/);
  });
});
