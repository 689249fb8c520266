// What a credential caused: the events posted with its access tokens (with their provenance),
// their deliveries by status, and the changes it made (audit entries with it as actor). Scoped
// to the caller's organization and environment: another organization's credential is a 404.
import { AppError } from "@/lib/api/errors";
import { toAuditEventView } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { eventView } from "@/lib/events/views";
import type { Environment } from "@/lib/generated/prisma/client";
import type { CredentialActivityView } from "@/lib/validations/credentials";

export async function getCredentialActivity(opts: {
  orgId: string;
  environment: Environment;
  id: string;
  /** API tokens read their own environment's audit entries plus organization-wide ones. */
  confineAuditTo?: Environment;
}): Promise<CredentialActivityView> {
  const c = await db.credential.findFirst({
    where: { id: opts.id, orgId: opts.orgId, environment: opts.environment },
    select: { id: true, name: true, clientId: true, environment: true },
  });
  if (!c) throw new AppError("not_found", "No such credential in this environment.");
  const caused = { orgId: opts.orgId, causedByType: "credential" as const, causedById: c.id };
  const [total, recent, byStatus, changes] = await Promise.all([
    db.event.count({ where: caused }),
    db.event.findMany({ where: caused, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 }),
    db.delivery.groupBy({ by: ["status"], where: { orgId: opts.orgId, event: caused }, _count: { _all: true } }),
    db.auditEvent.findMany({
      where: {
        orgId: opts.orgId,
        actorType: "credential",
        actorId: c.id,
        ...(opts.confineAuditTo ? { OR: [{ environment: opts.confineAuditTo }, { environment: null }] } : {}),
      },
      orderBy: { seq: "desc" },
      take: 20,
    }),
  ]);
  const deliveries = { total: 0, pending: 0, held: 0, succeeded: 0, failed: 0 };
  for (const r of byStatus) {
    deliveries[r.status] += r._count._all;
    deliveries.total += r._count._all;
  }
  const q = `caused_by_credential=${encodeURIComponent(c.id)}`;
  return {
    credential: { id: c.id, name: c.name, client_id: c.clientId, environment: c.environment },
    events: { total, recent: recent.map(eventView) },
    deliveries,
    changes: changes.map(toAuditEventView),
    links: { events: `/api/v1/events?${q}`, deliveries: `/api/v1/deliveries?${q}`, audit_events: `/api/v1/audit-events?${q}` },
  };
}
