import { describe, expect, it } from "vitest";
import type { FoundToken } from "@/lib/credentials/oauth";
import { forgetTokens, recallToken, rememberToken, tokenEpoch } from "@/lib/credentials/token-cache";

const token = { id: "t1" } as FoundToken;

describe("the token cache", () => {
  it("remembers for a second only", () => {
    const now = 1_000_000;
    rememberToken("h1", token, tokenEpoch(), now);
    expect(recallToken("h1", now + 999)).toBe(token);
    expect(recallToken("h1", now + 1000)).toBeUndefined();
  });

  it("forgets everything on a revocation, including a lookup that was under way", () => {
    rememberToken("h2", token, tokenEpoch());
    const epochBeforeLookup = tokenEpoch();
    forgetTokens(); // a revocation commits while another request is reading the token
    expect(recallToken("h2")).toBeUndefined();
    rememberToken("h3", token, epochBeforeLookup); // that request's stale answer is not kept
    expect(recallToken("h3")).toBeUndefined();
  });
});
