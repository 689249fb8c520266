// Creates an incoming webhook. The integration token (and any generated verification or
// forward signing secret) is returned here and never again.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment, InboundHandler, InboundVerification } from "@/lib/generated/prisma/client";
import { newInboundWebhookId } from "@/lib/inbound/ids";
import { assertInboundInput, checkForwardUrl, newInboundToken, upsertForwardEndpoint, verificationSecret, type ForwardThrottle } from "@/lib/inbound/inbound-settings";
import { inboundAuditSnapshot } from "@/lib/inbound/views";
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from "@/lib/validations/inbound";

export type CreateInboundWebhookOptions = {
  orgId: string;
  environment: Environment;
  name: string;
  handler: InboundHandler;
  eventType?: string | null;
  forwardUrl?: string | null;
  verification?: InboundVerification;
  verificationSecret?: string;
  signatureHeader?: string | null;
  rateLimitPerMinute?: number;
  dedupWindowSeconds?: number;
  forwardThrottle?: ForwardThrottle;
  active?: boolean;
  ctx: AuditContext;
};

export async function createInboundWebhook(opts: CreateInboundWebhookOptions) {
  const forwardUrl = opts.handler === "forward" ? opts.forwardUrl : null;
  const urlErrors = await checkForwardUrl(forwardUrl, opts.environment);
  const { token, tokenHash, tokenLast4 } = newInboundToken(opts.environment);
  const verification = opts.verification ?? "none";
  const secret = verificationSecret(verification, opts.verificationSecret);
  const result = await db.$transaction(async (tx) => {
    const eventType = opts.handler === "event" ? opts.eventType : null;
    await assertInboundInput(tx, { orgId: opts.orgId, environment: opts.environment, eventType, urlErrors });
    const created = await tx.inboundWebhook.create({
      data: {
        id: newInboundWebhookId(),
        orgId: opts.orgId,
        environment: opts.environment,
        name: opts.name,
        handler: opts.handler,
        eventType: eventType ?? null,
        verification,
        verificationSecretEncrypted: secret.encrypted,
        signatureHeader: verification === "hmac_sha256" ? opts.signatureHeader ?? null : null,
        tokenHash,
        tokenLast4,
        status: opts.active === false ? "inactive" : "active",
        rateLimitPerMinute: opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
        ...(opts.dedupWindowSeconds !== undefined ? { dedupWindowSeconds: opts.dedupWindowSeconds } : {}),
      },
    });
    const forward = forwardUrl ? await upsertForwardEndpoint(tx, created, forwardUrl, null, opts.forwardThrottle) : null;
    const webhook = { ...created, forwardEndpoint: forward ? forward.endpoint : null };
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "inbound_webhook.created",
      target: { type: "inbound_webhook", id: webhook.id, label: webhook.name },
      after: inboundAuditSnapshot(webhook),
    });
    return { webhook, forwardSigningSecret: forward?.secret };
  });
  return { ...result, token, verificationSecret: secret.generated };
}
