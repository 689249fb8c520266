import { describe, expect, it } from "vitest";
import { hashRequest, withoutOneTimeSecrets } from "@/lib/api/idempotency";

describe("withoutOneTimeSecrets", () => {
  it("nulls the one-time fields and anything shaped like a secret, and says which", () => {
    const body = {
      id: "cred_1",
      client_secret: "gsk_live_" + "a".repeat(36),
      nested: { signing: "whsec_" + "QUJDREVGR0hJSktMTU5PUA==", name: "ok" },
      list: [{ token: "gin_test_" + "b".repeat(36) }],
      token_last4: "abcd",
      secret: null,
    };
    const r = withoutOneTimeSecrets(body);
    expect(r.omitted).toEqual(["client_secret", "nested.signing", "list[0].token"]);
    expect(r.body).toEqual({
      id: "cred_1",
      client_secret: null,
      nested: { signing: null, name: "ok" },
      list: [{ token: null }],
      token_last4: "abcd",
      secret: null,
      secrets_omitted: ["client_secret", "nested.signing", "list[0].token"],
    });
    // Cleaning a cleaned body keeps the record and changes nothing.
    expect(withoutOneTimeSecrets(r.body)).toEqual(r);
  });

  it("leaves bodies without secrets as they are", () => {
    const body = { id: "ep_1", url: "https://example.com/x", status: "ACTIVE" };
    expect(withoutOneTimeSecrets(body)).toEqual({ body, omitted: [] });
    expect(withoutOneTimeSecrets(null)).toEqual({ body: null, omitted: [] });
  });
});

describe("hashRequest", () => {
  const h = (body: string) => hashRequest("POST", "/api/v1/endpoints", body);
  it("is the same for the same JSON with keys reordered or spaced otherwise", () => {
    const a = h('{"name":"n","url":"https://example.com/a","headers_json":{"X-A":"1","X-B":"2"}}');
    expect(h('{ "url": "https://example.com/a", "headers_json": { "X-B": "2", "X-A": "1" }, "name": "n" }')).toBe(a);
    expect(h('{"name":"n","url":"https://example.com/a","headers_json":{"X-A":"1","X-B":"2"}}\n')).toBe(a);
  });
  it("differs for another value, another array order, another path or method", () => {
    expect(h('{"a":[1,2]}')).not.toBe(h('{"a":[2,1]}'));
    expect(h('{"a":1}')).not.toBe(h('{"a":"1"}'));
    expect(hashRequest("POST", "/api/v1/webhooks", '{"a":1}')).not.toBe(h('{"a":1}'));
  });
  it("counts a body that is not JSON, or too deep, by its bytes", () => {
    expect(h("{nope")).not.toBe(h("{ nope"));
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(h(deep)).toMatch(/^[0-9a-f]{64}$/);
    expect(h("")).toBe(h("  "));
  });
});
