import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, toJsonValue } from "@/lib/audit/redact-secrets";
import { canonicalJson } from "@/lib/audit/audit-hash";

describe("isSecretKey", () => {
  it.each([
    "secret",
    "clientSecret",
    "client_secret",
    "secretHash",
    "previousSecretHash",
    "token",
    "accessToken",
    "auth_token",
    "authToken",
    "tokenHash",
    "password",
    "passwordHash",
    "hash",
    "Authorization",
    "cookie",
    "X-Api-Key",
    "apiKey",
    "privateKey",
    "signing-secret",
  ])("redacts %s", (k) => expect(isSecretKey(k)).toBe(true));

  it.each([
    "name",
    "url",
    "secretExpiresAt",
    "previousSecretExpiresAt",
    // When a regenerated secret's grace period ends: a time, not a secret (issue 14).
    "old_secret_valid_until",
    "old_token_valid_until",
    "previousSecretUntil",
    "tokenLifetime",
    "token_lifetime_seconds",
    "authTokenConfigured",
    "auth_token_configured",
    "secretPrefix",
    "tokenType",
    "clientId",
    "idempotencyKey",
    "webhookVersion",
    "hashed_at",
  ])("keeps %s", (k) => expect(isSecretKey(k)).toBe(false));
});

describe("toJsonValue", () => {
  it("redacts at every depth and keeps nulls", () => {
    expect(
      toJsonValue({ a: { b: [{ clientSecret: "s", ok: 1 }] }, authToken: null, password: undefined, token: "" }),
    ).toEqual({ a: { b: [{ clientSecret: REDACTED, ok: 1 }] }, authToken: null, token: REDACTED });
  });

  it("turns non-JSON values into what JSONB gives back", () => {
    const circular: Record<string, unknown> = { x: 1 };
    circular.self = circular;
    expect(
      toJsonValue({
        d: new Date("2026-02-03T04:05:06.007Z"),
        n: 12n,
        inf: Infinity,
        f: () => 1,
        arr: [undefined, 1],
        m: new Map([["k", "v"]]),
        c: circular,
      }),
    ).toEqual({ d: "2026-02-03T04:05:06.007Z", n: "12", inf: null, arr: [null, 1], m: { k: "v" }, c: { x: 1, self: "[circular]" } });
    expect(toJsonValue(undefined)).toBeUndefined();
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and is independent of insertion order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":0}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});
