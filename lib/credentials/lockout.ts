// Lockout of a client ID after repeated wrong secrets, with a growing delay, in PostgreSQL so
// that every process agrees (the buckets of lib/auth/throttle.ts, in the same table). A wrong
// secret counts in one of two buckets: the client ID's own, for addresses it has never been used
// from, or the client ID's at that address, for an address a successful exchange came from
// (secret-usage.ts). When the client ID's bucket blocks, the credential is locked out
// (`lockedUntil`, audited): until then no secret works from an unknown address, while the right
// secret from a known address still does. So a hostile client hammering wrong secrets from
// elsewhere cannot lock out the legitimate one. An admin clears a lockout (clear-lockout.ts).
import { createHash } from "node:crypto";
import { hit, type Bucket, type BucketPolicy } from "@/lib/auth/throttle";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { isKnownAddress } from "@/lib/credentials/secret-usage";
import { forgetTokensEverywhere } from "@/lib/credentials/token-cache";
import type { OAuthClient } from "@/lib/credentials/oauth-types";
import { db } from "@/lib/db/client";

/** Wrong secrets from addresses the client ID was never used from. */
export const CLIENT_LOCKOUT: BucketPolicy = { free: 10, baseSeconds: 30, capSeconds: 60 * 60, resetSeconds: 24 * 3600 };
/** Wrong secrets from one known address: more lenient, and apart from the client ID's own bucket. */
export const KNOWN_ADDRESS_LOCKOUT: BucketPolicy = { free: 20, baseSeconds: 5, capSeconds: 5 * 60, resetSeconds: 24 * 3600 };

const digest = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 22);

export function lockoutBucket(credentialId: string, ip: string | null, known: boolean): Bucket {
  return known && ip
    ? { key: `oauth:known:${credentialId}:${digest(ip)}`, policy: KNOWN_ADDRESS_LOCKOUT }
    : { key: `oauth:client:${credentialId}`, policy: CLIENT_LOCKOUT };
}

/** Held back: how long, and whether by the known address's own bucket. */
export type LockedOut = { retryAfterSeconds: number; fromKnownAddress: boolean };

/** The error description of a lockout (oauth.ts answers it as 429 rate_limited with Retry-After). */
export function lockedOutDescription(l: LockedOut): string {
  return l.fromKnownAddress
    ? `Too many wrong secrets from this address. Retry after ${l.retryAfterSeconds} seconds.`
    : `This client ID is locked out after repeated wrong secrets. Retry after ${l.retryAfterSeconds} seconds, or ask an admin to clear the lockout.`;
}

/**
 * A wrong secret: counts it, locks the credential out when its bucket blocks, and says whether
 * this attempt is held back (429 with Retry-After) rather than only wrong (401).
 */
export async function wrongSecret(c: OAuthClient, ip: string | null, now: Date): Promise<LockedOut | null> {
  const known = await isKnownAddress(c.id, ip);
  const r = await hit(lockoutBucket(c.id, ip, known));
  // A new or longer lock (not one the row already holds: attempts during a lock only count).
  const locks = !known && r.blockedUntil && r.blockedUntil > now && (!c.lockedUntil || c.lockedUntil < r.blockedUntil);
  if (!locks) {
    await db.credential.update({ where: { id: c.id }, data: { failedExchanges: { increment: 1 }, lastFailedAt: now } });
  } else {
    const newlyLocked = await db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ lockedUntil: Date | null }[]>`
        SELECT "lockedUntil" AT TIME ZONE 'UTC' AS "lockedUntil" FROM "Credential" WHERE id = ${c.id} FOR UPDATE`;
      const was = row?.lockedUntil ? new Date(row.lockedUntil) : null;
      const until = was && was > r.blockedUntil! ? was : r.blockedUntil!;
      const updated = await tx.credential.update({
        where: { id: c.id },
        data: { failedExchanges: { increment: 1 }, lastFailedAt: now, lockedUntil: until },
      });
      if (was && was > now) return false;
      await recordAuditEvent(tx, {
        orgId: c.orgId,
        environment: c.environment,
        ctx: { actor: { type: "system", label: "Gatehouse (wrong-secret lockout)" }, ip },
        action: "credential.locked_out",
        target: { type: "credential", id: c.id, label: c.name },
        after: { locked_until: until.toISOString(), failed_exchanges: updated.failedExchanges, last_address: ip ?? "unknown" },
      });
      return true;
    });
    if (newlyLocked) await forgetTokensEverywhere(); // remembered rows of this client would not know yet
  }
  return r.allowed ? null : { retryAfterSeconds: r.retryAfterSeconds, fromKnownAddress: known };
}

/** The right secret while the credential is locked out: fine from a known address, held back from any other. */
export async function lockedOutFrom(c: OAuthClient, ip: string | null, now: Date): Promise<LockedOut | null> {
  if (await isKnownAddress(c.id, ip)) return null;
  return { retryAfterSeconds: Math.max(1, Math.ceil((c.lockedUntil!.getTime() - now.getTime()) / 1000)), fromKnownAddress: false };
}
