// A sender posting to an incoming webhook signed with Standard Webhooks: the message id is the
// dedup key the receiver remembers. Shared by the inbound tests.
import { signStandardWebhook } from "@/lib/inbound/signatures";

export type CreatedInboundWebhook = { url: string; token: string; verification_secret: string };

export function postSignedInbound(w: CreatedInboundWebhook, msgId: string, body: string) {
  const now = Math.floor(Date.now() / 1000);
  return fetch(w.url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${w.token}`,
      "content-type": "application/json",
      "webhook-id": msgId,
      "webhook-timestamp": String(now),
      "webhook-signature": signStandardWebhook(w.verification_secret, msgId, now, Buffer.from(body)),
    },
    body,
  });
}
