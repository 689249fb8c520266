// Replaces the integration token. Only the new token's hash is kept, so the old one is refused
// from the commit on (the receiving URL reads the hash on every request; nothing caches it).
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { assertNotRegeneratedMeanwhile } from "@/lib/api/regenerated-meanwhile";
import { findInboundWebhook, lockInboundWebhook } from "@/lib/inbound/get-inbound-webhooks";
import { newInboundToken } from "@/lib/inbound/inbound-settings";

/** Concurrent regenerations: one wins, the others get 409 (lib/api/regenerated-meanwhile.ts). */
export async function regenerateInboundToken(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  const { token, tokenHash, tokenLast4 } = newInboundToken(opts.environment);
  const seen = await findInboundWebhook(db, opts);
  const webhook = await db.$transaction(async (tx) => {
    const w = await lockInboundWebhook(tx, opts);
    assertNotRegeneratedMeanwhile({ changed: w.tokenHash !== seen.tokenHash, lastAt: w.tokenRegeneratedAt, what: "token" });
    const updated = await tx.inboundWebhook.update({ where: { id: w.id }, data: { tokenHash, tokenLast4, tokenRegeneratedAt: new Date() } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "inbound_webhook.token_regenerated",
      target: { type: "inbound_webhook", id: w.id, label: w.name },
      before: { token_last4: w.tokenLast4 },
      after: { token_last4: tokenLast4 },
    });
    return { ...updated, forwardEndpoint: w.forwardEndpoint };
  });
  return { webhook, token };
}
