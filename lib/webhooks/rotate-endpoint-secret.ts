// Rotates an endpoint's signing secret. The new one is returned once; the old one keeps signing
// alongside it for the grace period, so receivers can switch without dropping deliveries.
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { encrypt } from "@/lib/crypto/encryption";
import { carryOverGraceSecrets } from "@/lib/crypto/grace-secrets";
import { db, type Tx } from "@/lib/db/client";
import type { Endpoint, Environment } from "@/lib/generated/prisma/client";
import { assertNotRegeneratedMeanwhile } from "@/lib/api/regenerated-meanwhile";
import { getEndpoint, lockEndpoint } from "@/lib/webhooks/get-endpoints";
import { generateSigningSecret } from "@/lib/webhooks/signing-secret";

export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;

type Scoped = { orgId: string; environment: Environment };

/** Inside the caller's transaction, on a locked endpoint: installs `secret`, keeping the old one for `graceSeconds`. */
export async function applySecretRotation(
  tx: Tx,
  endpoint: Endpoint,
  secret: string,
  opts: Scoped & { graceSeconds: number; ctx: AuditContext },
): Promise<Endpoint> {
  const until = opts.graceSeconds > 0 ? new Date(Date.now() + opts.graceSeconds * 1000) : null;
  const updated = await tx.endpoint.update({
    where: { id: endpoint.id },
    data: {
      secretEncrypted: encrypt(secret),
      previousSecretEncrypted: until ? endpoint.secretEncrypted : null,
      previousSecretUntil: until,
      // With a window, older secrets still in theirs keep signing too; without, all stop now.
      olderSecrets: until ? carryOverGraceSecrets({ value: endpoint.previousSecretEncrypted, until: endpoint.previousSecretUntil }, endpoint.olderSecrets) : [],
      secretRotatedAt: new Date(),
    },
  });
  await recordAuditEvent(tx, {
    orgId: opts.orgId,
    environment: opts.environment,
    ctx: opts.ctx,
    action: "endpoint.secret_rotated",
    target: { type: "endpoint", id: endpoint.id, label: endpoint.name },
    after: { previous_secret_expires_at: until?.toISOString() ?? "now" },
  });
  return updated;
}

/** Concurrent rotations: one wins, the others get 409 (lib/api/regenerated-meanwhile.ts). */
export async function rotateEndpointSecret(opts: Scoped & { id: string; graceSeconds?: number; ctx: AuditContext }) {
  const secret = generateSigningSecret();
  const seen = await getEndpoint(opts);
  const endpoint = await db.$transaction(async (tx) => {
    const e = await lockEndpoint(tx, opts);
    assertNotRegeneratedMeanwhile({ changed: e.secretEncrypted !== seen.secretEncrypted, lastAt: e.secretRotatedAt, what: "secret" });
    return applySecretRotation(tx, e, secret, { ...opts, graceSeconds: opts.graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS });
  });
  return { endpoint, secret };
}
