// Checks an email and password behind the database-backed throttle (lib/auth/throttle.ts), and
// writes the outcome to the audit log of every organization the account belongs to.
//
// Attempts for emails without an account are throttled the same way but audited nowhere: the
// audit log belongs to an organization, and such an attempt concerns none.
import type { RequestInfo } from "@/lib/api/request-info";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { verifyPassword } from "@/lib/auth/password";
import { hitAll, pruneThrottle, recordSuccess, signInBuckets } from "@/lib/auth/throttle";
import { db } from "@/lib/db/client";
import { signInSchema } from "@/lib/validations/auth";

// An address stays "known" this long after the last successful sign-in from it.
const KNOWN_FOR_MS = 90 * 24 * 3600_000;

export type SignInUser = { id: string; email: string; name: string | null };
export type SignInResult =
  | { ok: true; user: SignInUser }
  | { ok: false; reason: "invalid" | "rate_limited"; retryAfterSeconds?: number };

export async function checkSignIn(input: unknown, req: RequestInfo): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  return verifyCredentials({ ...parsed.data, req });
}

/** The one place a console password is checked: sign-in, and anything else that asks for one. */
export async function verifyCredentials(opts: { email: string; password: string; req: RequestInfo }): Promise<SignInResult> {
  const { email, password, req } = opts;
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const known =
    user && req.ip
      ? (await db.knownSignInAddress.count({ where: { userId: user.id, ip: req.ip, lastSeenAt: { gt: new Date(Date.now() - KNOWN_FOR_MS) } } })) > 0
      : false;
  const buckets = signInBuckets({ email, userId: user?.id ?? null, ip: req.ip, knownAddress: known });

  // Counted before the check: a burst of parallel attempts cannot all pass.
  const gate = await hitAll(buckets);
  if (!gate.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: gate.retryAfterSeconds };

  const ok = await verifyPassword(user?.passwordHash, password);
  if (Math.random() < 0.01) void pruneThrottle().catch(() => {});
  if (!ok || !user) {
    if (user) {
      await audit(user, req, "user.sign_in_failed", {
        reason: "wrong_password",
        known_address: known,
        // Set when this failure started a delay: further attempts wait until then.
        throttled_until: gate.blockedUntil?.toISOString() ?? null,
      });
    }
    return { ok: false, reason: "invalid" };
  }

  await recordSuccess(buckets);
  if (req.ip) {
    await db.knownSignInAddress.upsert({
      where: { userId_ip: { userId: user.id, ip: req.ip } },
      create: { userId: user.id, ip: req.ip },
      update: { lastSeenAt: new Date() },
    });
  }
  await audit(user, req, "user.signed_in", { known_address: known });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

async function audit(user: SignInUser, req: RequestInfo, action: string, after: Record<string, unknown>) {
  const orgs = await db.membership.findMany({ where: { userId: user.id }, select: { orgId: true }, orderBy: { orgId: "asc" } });
  for (const { orgId } of orgs) {
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        orgId,
        ctx: { actor: { type: "user", id: user.id, label: user.email }, ip: req.ip, userAgent: req.userAgent },
        action,
        target: { type: "user", id: user.id, label: user.email },
        after,
      }),
    );
  }
}
