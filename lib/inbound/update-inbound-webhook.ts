// Partial update of an incoming webhook: name, handler and its settings, verification, rate
// limit, and activate/deactivate, in one transaction with one audit entry per kind of change.
// Switching to a verification mode without giving a secret generates one (returned once);
// switching to forward for the first time creates the forward endpoint (its secret returned once).
import { AppError, describeFieldErrors } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment, InboundHandler, InboundVerification, Prisma } from "@/lib/generated/prisma/client";
import { lockInboundWebhook } from "@/lib/inbound/get-inbound-webhooks";
import { assertInboundInput, checkForwardUrl, upsertForwardEndpoint, verificationSecret, type ForwardThrottle } from "@/lib/inbound/inbound-settings";
import { inboundAuditSnapshot } from "@/lib/inbound/views";
import { inboundSettingsProblems } from "@/lib/validations/inbound";

export type InboundWebhookPatch = {
  name?: string;
  handler?: InboundHandler;
  eventType?: string | null;
  forwardUrl?: string | null;
  verification?: InboundVerification;
  verificationSecret?: string;
  signatureHeader?: string | null;
  rateLimitPerMinute?: number;
  dedupWindowSeconds?: number;
  forwardThrottle?: ForwardThrottle;
  status?: "active" | "inactive";
};

export async function updateInboundWebhook(opts: { orgId: string; environment: Environment; id: string; patch: InboundWebhookPatch; ctx: AuditContext }) {
  const p = opts.patch;
  const urlErrors = await checkForwardUrl(p.forwardUrl, opts.environment);
  return db.$transaction(async (tx) => {
    const w = await lockInboundWebhook(tx, opts);
    const merged = {
      handler: p.handler ?? w.handler,
      event_type: p.eventType !== undefined ? p.eventType : w.eventType,
      forward_url: p.forwardUrl !== undefined ? p.forwardUrl : (w.forwardEndpoint?.url ?? null),
      verification: p.verification ?? w.verification,
      verification_secret: p.verificationSecret,
      signature_header: p.signatureHeader !== undefined ? p.signatureHeader : w.signatureHeader,
    };
    const problems = inboundSettingsProblems(merged);
    if (problems.length) {
      const errors = problems.map(([field, message]) => ({ field, message }));
      throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
    }
    const eventTypeChanged = merged.handler === "event" && (merged.event_type !== w.eventType || w.handler !== "event");
    await assertInboundInput(tx, { orgId: opts.orgId, environment: opts.environment, eventType: eventTypeChanged ? merged.event_type : null, urlErrors });

    const before = inboundAuditSnapshot(w);
    const data: Prisma.InboundWebhookUpdateInput = {};
    if (p.name !== undefined) data.name = p.name;
    if (p.handler !== undefined) data.handler = p.handler;
    if (p.eventType !== undefined || p.handler !== undefined) data.eventType = merged.handler === "event" ? merged.event_type : null;
    if (p.rateLimitPerMinute !== undefined) data.rateLimitPerMinute = p.rateLimitPerMinute;
    if (p.dedupWindowSeconds !== undefined) data.dedupWindowSeconds = p.dedupWindowSeconds;
    if (p.signatureHeader !== undefined || p.verification !== undefined) {
      data.signatureHeader = merged.verification === "hmac_sha256" ? merged.signature_header : null;
    }
    let generatedSecret: string | undefined;
    const modeChanged = p.verification !== undefined && p.verification !== w.verification;
    if (modeChanged || p.verificationSecret !== undefined) {
      const s = verificationSecret(merged.verification, p.verificationSecret);
      data.verification = merged.verification;
      data.verificationSecretEncrypted = s.encrypted;
      generatedSecret = s.generated;
    }
    let updated = Object.keys(data).length ? await tx.inboundWebhook.update({ where: { id: w.id }, data }) : w;

    // The forward endpoint follows the handler's URL (and the webhook's name); it is kept when
    // the handler changes away from forward, so relays already accepted still finish.
    let forwardEndpoint = w.forwardEndpoint;
    let forwardSigningSecret: string | undefined;
    const throttleGiven = p.forwardThrottle !== undefined && Object.values(p.forwardThrottle).some((v) => v !== undefined);
    if (merged.handler === "forward" && (p.forwardUrl !== undefined || p.handler !== undefined || p.name !== undefined || throttleGiven || !forwardEndpoint)) {
      const full = forwardEndpoint ? await tx.endpoint.findUnique({ where: { id: forwardEndpoint.id }, select: { id: true, url: true, status: true } }) : null;
      const r = await upsertForwardEndpoint(tx, updated, merged.forward_url!, full, p.forwardThrottle);
      forwardEndpoint = r.endpoint;
      forwardSigningSecret = r.secret;
    }
    const after = inboundAuditSnapshot({ ...updated, forwardEndpoint });
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => k !== "status" && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length || p.verificationSecret !== undefined) {
      const pick = (s: typeof before) => Object.fromEntries(changed.map((k) => [k, s[k]]));
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: "inbound_webhook.updated",
        target: { type: "inbound_webhook", id: w.id, label: updated.name },
        before: pick(before),
        after: { ...pick(after), ...(p.verificationSecret !== undefined || generatedSecret ? { verification_secret_changed: true } : {}) },
      });
    }
    if (p.status !== undefined && p.status !== w.status) {
      updated = await tx.inboundWebhook.update({ where: { id: w.id }, data: { status: p.status } });
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: p.status === "active" ? "inbound_webhook.activated" : "inbound_webhook.deactivated",
        target: { type: "inbound_webhook", id: w.id, label: updated.name },
        before: { status: w.status },
        after: { status: p.status },
      });
    }
    return { webhook: { ...updated, forwardEndpoint }, verificationSecret: generatedSecret, forwardSigningSecret };
  });
}
