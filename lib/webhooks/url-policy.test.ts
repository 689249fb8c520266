import { describe, expect, it } from "vitest";
import { assertDeliverableUrl, checkEndpointUrl, checkUrlSyntax, isBlockedAddress, UrlPolicyError } from "@/lib/webhooks/url-policy";

const resolver = (addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("isBlockedAddress", () => {
  it.each([
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:a9fe:a9fe]",
    "64:ff9b::10.0.0.1", "2002:c0a8:0101::1", "224.0.0.1", "255.255.255.255",
  ])("blocks %s", (a) => expect(isBlockedAddress(a)).toBe(true));

  it.each(["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])(
    "allows %s",
    (a) => expect(isBlockedAddress(a)).toBe(false),
  );
});

describe("checkUrlSyntax", () => {
  const strict = { allowPrivate: false, environment: "test" as const };
  const code = (u: string, o: Parameters<typeof checkUrlSyntax>[1] = strict) => {
    const r = checkUrlSyntax(u, o);
    return r.ok ? "ok" : r.problem.code;
  };
  it("accepts public http(s) and refuses everything else with a reason", () => {
    expect(code("https://api.example.com/hooks")).toBe("ok");
    expect(code("http://api.example.com/hooks")).toBe("ok");
    expect(code("http://api.example.com/hooks", { allowPrivate: false, environment: "live" })).toBe("https_required");
    expect(code("not a url")).toBe("invalid");
    expect(code("/relative")).toBe("invalid");
    expect(code("ftp://example.com/")).toBe("scheme");
    expect(code("javascript:alert(1)")).toBe("scheme");
    expect(code("https://user:pass@example.com/")).toBe("credentials");
    expect(code("https://token@example.com/")).toBe("credentials");
    for (const u of [
      "http://localhost:3000/", "http://LOCALHOST./", "http://app.localhost/", "http://127.0.0.1/", "http://2130706433/",
      "http://0x7f.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.5/", "http://[fd00::1]/", "http://100.64.1.1/",
    ]) {
      expect(code(u), u).toBe("private");
    }
    expect(code("http://127.0.0.1:8080/", { allowPrivate: true })).toBe("ok");
  });
});

describe("checkEndpointUrl (write time)", () => {
  it("refuses a hostname that resolves only to private addresses, accepts mixed or unresolvable ones", async () => {
    const opts = { environment: "test" as const, allowPrivate: false };
    expect((await checkEndpointUrl("https://internal.corp/", { ...opts, resolve: resolver(["10.0.0.1", "::1"]) }))?.code).toBe("private");
    expect(await checkEndpointUrl("https://mixed.example/", { ...opts, resolve: resolver(["10.0.0.1", "93.184.216.34"]) })).toBeNull();
    expect(
      await checkEndpointUrl("https://nx.example/", {
        ...opts,
        resolve: async () => {
          throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
        },
      }),
    ).toBeNull();
    expect(await checkEndpointUrl("https://slow.example/", { ...opts, timeoutMs: 20, resolve: () => new Promise(() => {}) })).toBeNull();
    expect(await checkEndpointUrl("http://127.0.0.1/", { environment: "test", allowPrivate: true })).toBeNull();
  });
});

describe("assertDeliverableUrl (send time)", () => {
  it("checks every resolved address and refuses if any is private", async () => {
    await expect(assertDeliverableUrl("https://ok.example/", { allowPrivate: false, resolve: resolver(["93.184.216.34"]) })).resolves.toMatchObject({
      addresses: ["93.184.216.34"],
    });
    const err = await assertDeliverableUrl("https://rebind.example/", { allowPrivate: false, resolve: resolver(["93.184.216.34", "127.0.0.1"]) }).catch((e) => e);
    expect(err).toBeInstanceOf(UrlPolicyError);
    expect(err.code).toBe("private");
    const nx = await assertDeliverableUrl("https://nx.example/", { allowPrivate: false, resolve: async () => Promise.reject(new Error("x")) }).catch((e) => e);
    expect(nx.code).toBe("unresolvable");
    await expect(assertDeliverableUrl("http://[::1]:9/", { allowPrivate: false })).rejects.toMatchObject({ code: "private" });
    await expect(assertDeliverableUrl("http://localhost:9/", { allowPrivate: true, resolve: resolver(["127.0.0.1"]) })).resolves.toBeTruthy();
  });
});
