// Shows an endpoint's current signing secret again, for admins (console sessions only), and
// writes who saw it to the audit log in the same transaction: a receiver being set up anew needs
// the secret, and rotating only to read it would break the receivers that already have it.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { decrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { findEndpoint } from "@/lib/webhooks/get-endpoints";

export async function revealEndpointSecret(opts: { orgId: string; environment: Environment; id: string; ctx: AuditContext }) {
  return db.$transaction(async (tx) => {
    const endpoint = await findEndpoint(tx, opts);
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "endpoint.secret_revealed",
      target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
    });
    return { secret: decrypt(endpoint.secretEncrypted), rotatedAt: endpoint.secretRotatedAt };
  });
}
