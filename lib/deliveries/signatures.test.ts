// Signatures across a secret rotation, checked by an independent verifier (the standardwebhooks
// package's Webhook.verify) over the exact bytes a real receiver got: during the grace window a
// delivery carries two `v1,` signatures and verifies with the old secret and with the new one;
// after it, only the new one.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Recorded, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { db } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/deliveries/attempt-delivery";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { rotateEndpointSecret } from "@/lib/webhooks/rotate-endpoint-secret";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const GRACE_SECONDS = 5; // long enough that the delivery "in the window" is surely signed inside it on a loaded machine
let receiver: Receiver;
let orgId: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Signatures" } })).id;
  receiver = await startReceiver();
  receiver.respondWith(() => ({ status: 200 }));
}, 120_000);
afterAll(async () => {
  await receiver?.close();
});

/** Delivers one event to the endpoint (one attempt, as deliver-webhook makes it); returns what the receiver got. */
async function deliverOne(endpointId: string, data: Record<string, unknown>): Promise<Recorded> {
  const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data, dispatch: false, onlyEndpointId: endpointId });
  const id = r.pendingDeliveryIds[0]!;
  expect(await attemptDelivery({ deliveryId: id, attempt: 0 })).toEqual({ kind: "succeeded", status: 200 });
  const req = receiver.requests.find((q) => q.headers["webhook-id"] === id);
  expect(req).toBeDefined();
  return req!;
}

const verifies = (secret: string, req: Recorded) => {
  try {
    new Webhook(secret).verify(req.rawBody, req.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe("signing during a secret rotation", () => {
  it("signs with both secrets during the grace window, verifiable with either, then with the new one only", async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint({
      orgId, environment: "test", name: "rotating", url: `${receiver.url}/rotating`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
    });

    // Before the rotation: one signature, by the only secret.
    const before = await deliverOne(endpoint.id, { n: 0 });
    expect(String(before.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(oldSecret, before)).toBe(true);

    const { secret: newSecret, endpoint: rotated } = await rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, graceSeconds: GRACE_SECONDS, ctx });
    expect(newSecret).not.toBe(oldSecret);
    const windowEnds = rotated.previousSecretUntil!;

    // In the window: two `v1,` signatures; each secret verifies the delivery on its own.
    const during = await deliverOne(endpoint.id, { n: 1 });
    expect(Number(during.headers["webhook-timestamp"]) * 1000).toBeLessThan(windowEnds.getTime()); // signed inside the window
    const sigs = String(during.headers["webhook-signature"]).split(" ");
    expect(sigs).toHaveLength(2);
    for (const s of sigs) expect(s).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(sigs[0]).not.toBe(sigs[1]);
    expect(verifies(newSecret, during)).toBe(true);
    expect(verifies(oldSecret, during)).toBe(true);
    expect(new Webhook(newSecret).verify(during.rawBody, during.headers as Record<string, string>)).toMatchObject({ type: "run.completed", data: { n: 1 } });
    // The verifier is not lenient: a third secret, or one changed byte, fails.
    expect(verifies(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, during)).toBe(false);
    expect(verifies(newSecret, { ...during, rawBody: Buffer.from(during.body.replace('"n":1', '"n":2')) })).toBe(false);

    // After the window: the new secret only.
    await waitFor(async () => Date.now() > windowEnds.getTime() + 50, (GRACE_SECONDS + 5) * 1000, "the end of the grace window");
    const after = await deliverOne(endpoint.id, { n: 2 });
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(newSecret, after)).toBe(true);
    expect(verifies(oldSecret, after)).toBe(false);

    // The attempt log shows the same signature headers that were sent.
    const logged = await db.deliveryAttempt.findFirstOrThrow({ where: { deliveryId: String(during.headers["webhook-id"]) } });
    expect((logged.requestHeaders as Record<string, string>)["webhook-signature"]).toBe(during.headers["webhook-signature"]);
  });

  it("a rotation without a grace window drops the old secret at once", async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint({
      orgId, environment: "test", name: "rotating-now", url: `${receiver.url}/rotating-now`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
    });
    const { secret: newSecret } = await rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, graceSeconds: 0, ctx });
    const req = await deliverOne(endpoint.id, { n: 3 });
    expect(String(req.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(newSecret, req)).toBe(true);
    expect(verifies(oldSecret, req)).toBe(false);
  });
});

describe("signatureHeader (node:crypto) against the standardwebhooks package's own signing", () => {
  it("gives the library's signature for canonical and odd secrets, any body, and each secret of a rotation", async () => {
    const { signatureHeader } = await import("@/lib/deliveries/attempt-delivery");
    const { randomBytes } = await import("node:crypto");
    const at = new Date("2026-12-05T08:00:00.789Z");
    const secrets = [
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      ...Array.from({ length: 20 }, (_, i) => `whsec_${randomBytes(1 + i * 3).toString("base64")}`), // every padding length
      randomBytes(24).toString("base64"), // no prefix: the library takes it as base64 too
    ];
    const bodies = ["", "{}", JSON.stringify({ text: "héllo ☃ 𝄞 \u2028", n: 1.5, nested: { a: [1, null] } }), JSON.stringify({ lone: "\ud800" }), "x".repeat(70_000)];
    for (const body of bodies) {
      for (const s of secrets) expect(signatureHeader([s], "msg_2abc", at, body)).toBe(new Webhook(s).sign("msg_2abc", at, body));
      expect(signatureHeader(secrets.slice(0, 2), "msg_1", at, body)).toBe(`${new Webhook(secrets[0]!).sign("msg_1", at, body)} ${new Webhook(secrets[1]!).sign("msg_1", at, body)}`);
    }
    // Not canonical base64: the library decides (here it refuses, as it did before).
    expect(() => signatureHeader(["whsec_abc"], "msg_1", at, "{}")).toThrow();
    expect(() => signatureHeader(["whsec_"], "msg_1", at, "{}")).toThrow();
  });
});
