// Forwards a message again: a replay (lib/deliveries/replay-deliveries.ts) of its latest forward
// delivery (another attempt of it, the same webhook-id), with the same signing and retries as any
// replayed delivery.
import { AppError } from "@/lib/api/errors";
import type { AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { replayDelivery } from "@/lib/deliveries/replay-deliveries";
import type { Environment } from "@/lib/generated/prisma/client";

export async function replayForward(opts: { orgId: string; environment: Environment; webhookId: string; messageId: string; ctx: AuditContext }) {
  const m = await db.inboundMessage.findFirst({
    where: { id: opts.messageId, webhookId: opts.webhookId, orgId: opts.orgId, environment: opts.environment },
    select: { outcome: true, eventId: true },
  });
  if (!m) throw new AppError("not_found", "No such message for this webhook.");
  if (m.outcome !== "forwarded" || !m.eventId) throw new AppError("conflict", "Only forwarded messages can be forwarded again.");
  const latest = await db.delivery.findFirst({ where: { eventId: m.eventId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
  if (!latest) throw new AppError("conflict", "This message's forward no longer exists (its endpoint was removed).");
  return replayDelivery({ orgId: opts.orgId, environment: opts.environment, id: latest.id, ctx: opts.ctx });
}
