// "Forgot password" without email: an owner makes a one-time link for a member of their
// organization and passes it on. The link carries a random token; only its SHA-256 is stored.
// It works once, for PASSWORD_RESET_TTL_MS, and a newer link replaces an older unused one.
// Using it sets the password, ends every console session of that user, and is audited.
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { endUserSessions } from "@/lib/auth/console-sessions";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { hasRole } from "@/lib/orgs/roles";

export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60_000;
const TOKEN_RE = /^pwr_[A-Za-z0-9_-]{32}$/;

function hashResetToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * An owner makes a reset link for another member of the same organization. Refused (404) for a
 * membership of another organization, and (409) for a user who also belongs to another
 * organization: one organization's owner must not take over an account that opens others.
 */
export async function createPasswordReset(opts: {
  orgId: string;
  membershipId: string;
  actorRole: Role;
  actorUserId: string | null;
  ctx: AuditContext;
}): Promise<{ token: string; expiresAt: Date; email: string }> {
  if (!hasRole(opts.actorRole, "owner")) throw new AppError("forbidden", "Only owners can reset a member's password.");
  const token = "pwr_" + randomBytes(24).toString("base64url");
  return db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: opts.membershipId, orgId: opts.orgId }, include: { user: true } });
    if (!m) throw new AppError("not_found", "No such member.");
    if (m.userId === opts.actorUserId) {
      throw new AppError("conflict", "You cannot make a reset link for yourself. Ask another owner.");
    }
    const elsewhere = await tx.membership.count({ where: { userId: m.userId, orgId: { not: opts.orgId } } });
    if (elsewhere > 0) {
      throw new AppError("conflict", `${m.user.email} also belongs to another organization, so only they can change their password.`);
    }
    // One live link per member: a new one replaces any unused one.
    await tx.passwordReset.updateMany({ where: { userId: m.userId, usedAt: null }, data: { expiresAt: new Date() } });
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS);
    const reset = await tx.passwordReset.create({
      data: { orgId: opts.orgId, userId: m.userId, tokenHash: hashResetToken(token), createdById: opts.actorUserId, expiresAt },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "member.password_reset_link_created",
      target: { type: "member", id: m.id, label: m.user.email },
      after: { reset_id: reset.id, expires_at: expiresAt.toISOString() },
    });
    return { token, expiresAt, email: m.user.email };
  });
}

export type PasswordResetLookup = { ok: true; email: string } | { ok: false; message: string };

const INVALID = "This reset link is not valid, was already used or has expired. Ask an owner of your organization for a new one.";

/** Whether a reset link can still be used (for the page that opens it). */
export async function lookupPasswordReset(token: string): Promise<PasswordResetLookup> {
  if (!TOKEN_RE.test(token)) return { ok: false, message: INVALID };
  const r = await db.passwordReset.findUnique({ where: { tokenHash: hashResetToken(token) }, include: { user: true } });
  if (!r || r.usedAt || r.expiresAt <= new Date()) return { ok: false, message: INVALID };
  return { ok: true, email: r.user.email };
}

/** Sets a new password with a reset link: once, before it expires. Returns the account's email. */
export async function redeemPasswordReset(opts: {
  token: string;
  password: string;
  req: Omit<AuditContext, "actor">;
}): Promise<{ email: string }> {
  if (!TOKEN_RE.test(opts.token)) throw new AppError("not_found", INVALID);
  const passwordHash = await hashPassword(opts.password);
  const result = await db.$transaction(async (tx) => {
    const now = new Date();
    const r = await tx.passwordReset.findUnique({ where: { tokenHash: hashResetToken(opts.token) }, include: { user: true } });
    if (!r) throw new AppError("not_found", INVALID);
    // The claim is one conditional update: of two concurrent uses, only one changes a row.
    const claimed = await tx.passwordReset.updateMany({
      where: { id: r.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw new AppError("not_found", INVALID);
    const m = await tx.membership.findFirst({ where: { orgId: r.orgId, userId: r.userId } });
    // Removed from the organization since the link was made: the link is void.
    if (!m) throw new AppError("not_found", INVALID);
    await tx.user.update({ where: { id: r.userId }, data: { passwordHash } });
    await recordAuditEvent(tx, {
      orgId: r.orgId,
      ctx: { ...opts.req, actor: { type: "user", id: r.userId, label: r.user.email } },
      action: "member.password_reset",
      target: { type: "member", id: m.id, label: r.user.email },
      after: { reset_id: r.id },
    });
    return { email: r.user.email, userId: r.userId };
  });
  // Whoever held the old password is signed out everywhere.
  await endUserSessions(result.userId);
  return { email: result.email };
}
