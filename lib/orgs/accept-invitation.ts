// Opens and accepts invite links. A link works once, until it expires or is revoked.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { hashInviteToken } from "@/lib/orgs/invite-member";
import { invitationStatus } from "@/lib/orgs/views";

export type InvitationLookup =
  | { ok: true; invitation: { id: string; email: string; role: string; orgName: string }; existingUser: boolean }
  | { ok: false; reason: "not_found" | "accepted" | "revoked" | "expired" };

export async function lookupInvitation(token: string): Promise<InvitationLookup> {
  if (!/^inv_[A-Za-z0-9_-]{20,64}$/.test(token)) return { ok: false, reason: "not_found" };
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashInviteToken(token) },
    include: { org: { select: { name: true } } },
  });
  if (!inv) return { ok: false, reason: "not_found" };
  const status = invitationStatus(inv);
  if (status !== "pending") return { ok: false, reason: status };
  const existingUser = (await db.user.count({ where: { email: inv.email } })) > 0;
  return { ok: true, invitation: { id: inv.id, email: inv.email, role: inv.role, orgName: inv.org.name }, existingUser };
}

const REASONS = {
  not_found: "This invite link is not valid. Ask an admin for a new one.",
  accepted: "This invite link has already been used. Sign in instead.",
  revoked: "This invite link was revoked. Ask an admin for a new one.",
  expired: "This invite link has expired. Ask an admin for a new one.",
} as const;

export function invitationProblem(reason: keyof typeof REASONS): string {
  return REASONS[reason];
}

/**
 * Accepts: a new user sets name and password; an existing user proves it with their password.
 * Returns the user id to sign in.
 */
export async function acceptInvitation(opts: {
  token: string;
  name: string;
  password: string;
  req: Omit<AuditContext, "actor">;
}): Promise<{ userId: string; email: string; orgId: string }> {
  const tokenHash = hashInviteToken(opts.token);
  const existing = await db.invitation.findUnique({ where: { tokenHash } });
  // A used, revoked or expired link is refused before any password is checked: otherwise
  // whoever holds an old link could test guesses against the account's password (422 vs 410).
  if (!existing) throw new AppError("not_found", REASONS.not_found);
  const status0 = invitationStatus(existing);
  if (status0 !== "pending") throw new AppError("gone", REASONS[status0]);
  const user0 = await db.user.findUnique({ where: { email: existing.email } });
  if (user0 && !(await verifyPassword(user0.passwordHash, opts.password))) {
    throw new AppError("validation_failed", "password: that is not the password of this account", {
      errors: [{ field: "password", message: "That is not the password of this account" }],
    });
  }
  const passwordHash = user0 ? null : await hashPassword(opts.password);
  return db.$transaction(async (tx) => {
    // Row lock: two tabs accepting the same link cannot both succeed.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invitation" WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
    const inv = rows[0] ? await tx.invitation.findUnique({ where: { id: rows[0].id } }) : null;
    if (!inv) throw new AppError("not_found", REASONS.not_found);
    const status = invitationStatus(inv);
    if (status !== "pending") throw new AppError("gone", REASONS[status]);
    const user =
      (await tx.user.findUnique({ where: { email: inv.email } })) ??
      (await tx.user.create({ data: { email: inv.email, name: opts.name, passwordHash } }));
    const already = await tx.membership.findUnique({ where: { orgId_userId: { orgId: inv.orgId, userId: user.id } } });
    if (already) throw new AppError("conflict", "You are already a member of this organization.");
    const membership = await tx.membership.create({ data: { orgId: inv.orgId, userId: user.id, role: inv.role } });
    await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: new Date() } });
    await recordAuditEvent(tx, {
      orgId: inv.orgId,
      ctx: { ...opts.req, actor: { type: "user", id: user.id, label: user.email } },
      action: "member.joined",
      target: { type: "member", id: membership.id, label: user.email },
      after: { role: inv.role, invitation_id: inv.id },
    });
    return { userId: user.id, email: user.email, orgId: inv.orgId };
  });
}
