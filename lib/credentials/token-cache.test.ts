import { beforeAll, describe, expect, it } from "vitest";
import type { FoundToken, OAuthClient } from "@/lib/credentials/oauth-types";
import { forgetTokens, recallClient, recallToken, rememberClient, rememberToken, tokenCacheReady, tokenEpoch } from "@/lib/credentials/token-cache";

beforeAll(async () => {
  expect(await tokenCacheReady()).toBe(true);
});

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

describe("the credential memory of /oauth/token", () => {
  const client = { id: "c1", clientId: "gci_1" } as OAuthClient;

  it("remembers a credential row for a second only", () => {
    const now = 2_000_000;
    rememberClient("gci_1", client, tokenEpoch(), now);
    expect(recallClient("gci_1", now + 999)).toBe(client);
    expect(recallClient("gci_1", now + 1000)).toBeUndefined();
  });

  it("forgets credential rows with the tokens, including a lookup that was under way", () => {
    rememberClient("gci_2", client, tokenEpoch());
    const epochBeforeLookup = tokenEpoch();
    forgetTokens(); // a revocation or a new secret commits meanwhile
    expect(recallClient("gci_2")).toBeUndefined();
    rememberClient("gci_3", client, epochBeforeLookup);
    expect(recallClient("gci_3")).toBeUndefined();
  });
});
