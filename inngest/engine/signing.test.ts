import { expect, it } from "vitest";
import { signatureHeader, verifySignature } from "@/inngest/engine/signing";

const key = `signkey-test-${"ab".repeat(32)}`;

it("verifies a fresh signature of exactly the text, with the key", () => {
  const text = '{"ok":true}';
  const header = signatureHeader(text, key);
  expect(verifySignature(text, header, key)).toBe(true);
  expect(verifySignature(`${text} `, header, key)).toBe(false);
  expect(verifySignature(text, header, `signkey-test-${"cd".repeat(32)}`)).toBe(false);
});

it("refuses missing, malformed and stale signatures", () => {
  const text = "{}";
  expect(verifySignature(text, null, key)).toBe(false);
  expect(verifySignature(text, "", key)).toBe(false);
  expect(verifySignature(text, "t=1&s=00", key)).toBe(false);
  expect(verifySignature(text, "s=" + "0".repeat(64), key)).toBe(false);
  const old = Date.now() - 10 * 60_000;
  expect(verifySignature(text, signatureHeader(text, key, old), key)).toBe(false);
});
