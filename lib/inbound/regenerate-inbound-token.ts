// Replaces the integration token. With a grace period the old token keeps working until then
// (its uses are recorded: which token each message carried, and the old token's last use), so
// the sender can be switched over without losing a request; without one, it is refused from
// the commit on (the receiving URL reads the hashes on every request; nothing caches them).
// A regeneration inside a grace period replaces the previous token: only one old token lives.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { assertNotRegeneratedMeanwhile } from "@/lib/api/regenerated-meanwhile";
import { findInboundWebhook, lockInboundWebhook } from "@/lib/inbound/get-inbound-webhooks";
import { newInboundToken } from "@/lib/inbound/inbound-settings";

/** Concurrent regenerations: one wins, the others get 409 (lib/api/regenerated-meanwhile.ts). */
export async function regenerateInboundToken(opts: { orgId: string; environment: Environment; id: string; graceSeconds?: number; ctx: AuditContext }) {
  const { token, tokenHash, tokenLast4 } = newInboundToken(opts.environment);
  const seen = await findInboundWebhook(db, opts);
  const grace = opts.graceSeconds ?? 0;
  const webhook = await db.$transaction(async (tx) => {
    const w = await lockInboundWebhook(tx, opts);
    assertNotRegeneratedMeanwhile({ changed: w.tokenHash !== seen.tokenHash, lastAt: w.tokenRegeneratedAt, what: "token" });
    const now = new Date();
    const until = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
    const updated = await tx.inboundWebhook.update({
      where: { id: w.id },
      data: {
        tokenHash,
        tokenLast4,
        tokenRegeneratedAt: now,
        previousTokenHash: until ? w.tokenHash : null,
        previousTokenLast4: until ? w.tokenLast4 : null,
        previousTokenUntil: until,
        previousTokenLastUsedAt: null,
        previousTokenLastUsedIp: null,
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "inbound_webhook.token_regenerated",
      target: { type: "inbound_webhook", id: w.id, label: w.name },
      before: { token_last4: w.tokenLast4 },
      after: { token_last4: tokenLast4, old_token_valid_until: until ? until.toISOString() : "now" },
    });
    return { ...updated, forwardEndpoint: w.forwardEndpoint };
  });
  return { webhook, token };
}

/** Ends a token regeneration's grace period now: the old token is refused from the commit on. 409 when none runs. */
export async function endInboundTokenGrace(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  return db.$transaction(async (tx) => {
    const w = await lockInboundWebhook(tx, opts);
    const now = new Date();
    if (!w.previousTokenHash || !w.previousTokenUntil || w.previousTokenUntil <= now) {
      throw new AppError("conflict", "No grace period is running: only the current token works.");
    }
    const updated = await tx.inboundWebhook.update({
      where: { id: w.id },
      data: { previousTokenHash: null, previousTokenLast4: null, previousTokenUntil: null, previousTokenLastUsedAt: null, previousTokenLastUsedIp: null },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "inbound_webhook.token_grace_ended",
      target: { type: "inbound_webhook", id: w.id, label: w.name },
      before: {
        old_token_last4: w.previousTokenLast4,
        old_token_valid_until: w.previousTokenUntil.toISOString(),
        old_token_last_used_at: w.previousTokenLastUsedAt?.toISOString() ?? null,
      },
      after: { old_token_valid_until: "now" },
    });
    return { ...updated, forwardEndpoint: w.forwardEndpoint };
  });
}
