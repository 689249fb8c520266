// Deletes an endpoint for good, with its deliveries and their attempts (the events stay).
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { abortEndpointSends } from "@/lib/deliveries/in-flight-sends";
import { lockEndpoint } from "@/lib/webhooks/get-endpoints";
import { endpointAuditSnapshot } from "@/lib/webhooks/views";

export async function deleteEndpoint(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  await db.$transaction(async (tx) => {
    const e = await lockEndpoint(tx, opts);
    const open = await tx.delivery.count({ where: { endpointId: e.id, status: { in: ["pending", "held"] } } });
    await tx.endpoint.delete({ where: { id: e.id } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "endpoint.deleted",
      target: { type: "endpoint", id: e.id, label: e.name },
      before: { ...endpointAuditSnapshot(e), open_deliveries: open },
    });
  });
  // Sends to it in flight in this process stop now; any other send checks before it goes.
  abortEndpointSends(opts.id, "endpoint deleted");
}
