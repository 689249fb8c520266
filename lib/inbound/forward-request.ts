// What the delivery engine sends for a forward: the stored request body byte for byte, with its
// content type, signed with Standard Webhooks over those bytes. attemptDelivery asks for this
// when the delivery's endpoint is an incoming webhook's forward endpoint.
import { db } from "@/lib/db/client";
import { isUtf8 } from "@/lib/inbound/views";
import { signStandardWebhook } from "@/lib/inbound/signatures";

export type ForwardRequest = {
  body: Buffer;
  headers: Record<string, string>;
  /** `v1,<sig>` per secret, space-separated, over the raw bytes. */
  sign(secrets: string[], msgId: string, at: Date): string;
};

/** A forwarded body as the attempt log shows it (text cannot hold every byte sequence). */
export function shownBody(body: Buffer): string {
  return isUtf8(body) && !body.includes(0) ? body.toString("utf8") : `(binary, ${body.length} bytes, base64) ${body.toString("base64")}`;
}

export async function forwardRequest(eventId: string): Promise<ForwardRequest | null> {
  const m = await db.inboundMessage.findUnique({ where: { eventId }, select: { id: true, webhookId: true, body: true, contentType: true } });
  if (!m) return null;
  const body = Buffer.from(m.body);
  return {
    body,
    headers: {
      "content-type": m.contentType ?? "application/octet-stream",
      "x-gatehouse-inbound-webhook": m.webhookId,
      "x-gatehouse-inbound-message": m.id,
    },
    sign: (secrets, msgId, at) => secrets.map((s) => signStandardWebhook(s, msgId, Math.floor(at.getTime() / 1000), body)).join(" "),
  };
}
