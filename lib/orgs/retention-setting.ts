// How long an organization keeps its events, deliveries (with every attempt's request and
// response) and inbound messages: its own number of days (Settings > General; owners only;
// audited), or the server's default. The daily prune (lib/retention/prune-expired.ts) applies it;
// nothing undelivered is ever deleted, whatever the setting.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { retentionDays } from "@/lib/retention/prune-expired";
import type { RetentionView } from "@/lib/validations/orgs";

function view(days: number | null): RetentionView {
  const fallback = retentionDays();
  return { retention_days: days, effective_days: days ?? fallback, server_default_days: fallback };
}

export async function getRetention(orgId: string): Promise<RetentionView> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { retentionDays: true } });
  return view(org.retentionDays);
}

export async function updateRetention(opts: { orgId: string; days: number | null; ctx: AuditContext }): Promise<RetentionView> {
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: opts.orgId }, select: { retentionDays: true, name: true } });
    if (before.retentionDays === opts.days) return view(opts.days);
    await tx.organization.update({ where: { id: opts.orgId }, data: { retentionDays: opts.days } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "organization.retention_changed",
      target: { type: "organization", id: opts.orgId, label: before.name },
      before: { retention_days: before.retentionDays },
      after: { retention_days: opts.days },
    });
    return view(opts.days);
  });
}
