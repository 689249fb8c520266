// Deletes an incoming webhook for good: its messages and its forward endpoint (with the
// forwards' deliveries) go with it; events it emitted stay.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { lockInboundWebhook } from "@/lib/inbound/get-inbound-webhooks";
import { inboundAuditSnapshot } from "@/lib/inbound/views";

export async function deleteInboundWebhook(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  await db.$transaction(async (tx) => {
    const w = await lockInboundWebhook(tx, opts);
    const messages = await tx.inboundMessage.count({ where: { webhookId: w.id } });
    await tx.inboundWebhook.delete({ where: { id: w.id } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "inbound_webhook.deleted",
      target: { type: "inbound_webhook", id: w.id, label: w.name },
      before: { ...inboundAuditSnapshot(w), messages },
    });
  });
}
