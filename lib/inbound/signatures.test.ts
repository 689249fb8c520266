// Byte-level signing and verification, checked against the standardwebhooks package for bodies
// it can handle (UTF-8), and over raw bytes for those it cannot.
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signHmacSha256, signStandardWebhook, verifyHmacSha256, verifyStandardWebhook } from "@/lib/inbound/signatures";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const h = (o: Record<string, string>) => new Headers(o);

describe("Standard Webhooks over bytes", () => {
  it("matches the standardwebhooks package on a UTF-8 body", () => {
    const at = new Date(1_700_000_000_000);
    const body = '{"a":"wörld"}';
    expect(signStandardWebhook(secret, "msg_1", 1_700_000_000, Buffer.from(body))).toBe(new Webhook(secret).sign("msg_1", at, body));
  });

  it("accepts any matching signature in the list, inside the tolerance, and refuses the rest", () => {
    const body = Buffer.from([0xff, 0x00, 0x41]);
    const now = 1_700_000_000;
    const sig = signStandardWebhook(secret, "m", now, body);
    const ok = verifyStandardWebhook(secret, h({ "webhook-id": "m", "webhook-timestamp": String(now), "webhook-signature": `v1,AAAA ${sig}` }), body, now + 10);
    expect(ok).toEqual({ ok: true });
    const tampered = Buffer.from([0xff, 0x00, 0x42]);
    expect(verifyStandardWebhook(secret, h({ "webhook-id": "m", "webhook-timestamp": String(now), "webhook-signature": sig }), tampered, now).ok).toBe(false);
    expect(verifyStandardWebhook(secret, h({ "webhook-id": "other", "webhook-timestamp": String(now), "webhook-signature": sig }), body, now).ok).toBe(false);
    expect(verifyStandardWebhook(secret, h({ "webhook-id": "m", "webhook-timestamp": String(now), "webhook-signature": sig }), body, now + 301)).toEqual({
      ok: false,
      reason: "webhook-timestamp is more than 5 minutes from now",
    });
    expect(verifyStandardWebhook(secret, h({ "webhook-id": "m", "webhook-timestamp": "soon", "webhook-signature": sig }), body, now).ok).toBe(false);
    expect(verifyStandardWebhook(secret, h({}), body, now).ok).toBe(false);
  });
});

describe("sha256=<hex> HMAC", () => {
  it("is GitHub's X-Hub-Signature-256 form and is compared case-insensitively in hex", () => {
    const body = Buffer.from("payload");
    const expected = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
    expect(signHmacSha256("s3cret", body)).toBe(expected);
    expect(verifyHmacSha256("s3cret", "X-Sig", h({ "x-sig": expected.toUpperCase().replace("SHA256=", "sha256=") }), body)).toEqual({ ok: true });
    expect(verifyHmacSha256("other", "X-Sig", h({ "x-sig": expected }), body).ok).toBe(false);
    expect(verifyHmacSha256("s3cret", "X-Sig", h({ "x-sig": expected.slice(0, -1) }), body).ok).toBe(false);
    expect(verifyHmacSha256("s3cret", "X-Sig", h({}), body)).toEqual({ ok: false, reason: "missing X-Sig header" });
  });
});
