import { describe, expect, it } from "vitest";
import { withoutOneTimeSecrets } from "@/lib/api/idempotency";

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
