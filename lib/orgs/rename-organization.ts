import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";

export async function renameOrganization(opts: { orgId: string; name: string; ctx: AuditContext }) {
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: opts.orgId } });
    const org = await tx.organization.update({ where: { id: opts.orgId }, data: { name: opts.name } });
    if (before.name !== org.name) {
      await recordAuditEvent(tx, {
        orgId: org.id,
        ctx: opts.ctx,
        action: "organization.renamed",
        target: { type: "organization", id: org.id, label: org.name },
        before: { name: before.name },
        after: { name: org.name },
      });
    }
    return org;
  });
}
