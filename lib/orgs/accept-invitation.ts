// Opens and accepts invite links. A link works once, until it expires or is revoked.
// Nothing here says whether the invited email already has an account, and no password is
// checked: an existing user accepts while signed in, through the throttled sign-in.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { hashPassword } from "@/lib/auth/password";
import { db, type Tx } from "@/lib/db/client";
import type { Invitation } from "@/lib/generated/prisma/client";
import { hashInviteToken } from "@/lib/orgs/invite-member";
import { invitationStatus } from "@/lib/orgs/views";

export type InvitationLookup =
  | { ok: true; invitation: { id: string; email: string; role: string; orgName: string } }
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
  return { ok: true, invitation: { id: inv.id, email: inv.email, role: inv.role, orgName: inv.org.name } };
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

/** Said when an invitation is used to create an account for an email that already has one. */
export const SIGN_IN_TO_ACCEPT =
  "This invitation cannot be used to create a new account. If you already have a Gatehouse account, sign in to accept it.";

/**
 * Accepts for someone without an account: creates the user with name and password. An email
 * that already has an account is refused without looking at the password: its owner accepts by
 * signing in (acceptInvitationAsUser), so this is never a way to test passwords.
 */
export async function acceptInvitation(opts: {
  token: string;
  name: string;
  password: string;
  req: Omit<AuditContext, "actor">;
}): Promise<{ userId: string; email: string; orgId: string }> {
  const inv0 = await pendingInvitation(opts.token);
  if ((await db.user.count({ where: { email: inv0.email } })) > 0) throw new AppError("conflict", SIGN_IN_TO_ACCEPT);
  const passwordHash = await hashPassword(opts.password);
  return join(opts.token, opts.req, async (tx, inv) => {
    // Checked again under the row lock: the account may have been created meanwhile.
    if (await tx.user.findUnique({ where: { email: inv.email } })) throw new AppError("conflict", SIGN_IN_TO_ACCEPT);
    return tx.user.create({ data: { email: inv.email, name: opts.name, passwordHash } });
  });
}

/** Accepts for the signed-in user, whose email must be the invited one. */
export async function acceptInvitationAsUser(opts: {
  token: string;
  userId: string;
  req: Omit<AuditContext, "actor">;
}): Promise<{ userId: string; email: string; orgId: string }> {
  await pendingInvitation(opts.token);
  return join(opts.token, opts.req, async (tx, inv) => {
    const user = await tx.user.findUnique({ where: { id: opts.userId } });
    if (!user) throw new AppError("unauthorized", "Sign in to accept this invitation.");
    if (user.email.toLowerCase() !== inv.email.toLowerCase()) {
      throw new AppError("forbidden", "This invitation is for another email address. Sign out, then sign in with the invited email.");
    }
    return user;
  });
}

// A used, revoked or expired link is refused before anything else happens.
async function pendingInvitation(token: string) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashInviteToken(token) } });
  if (!inv) throw new AppError("not_found", REASONS.not_found);
  const status = invitationStatus(inv);
  if (status !== "pending") throw new AppError("gone", REASONS[status]);
  return inv;
}

async function join(
  token: string,
  req: Omit<AuditContext, "actor">,
  userFor: (tx: Tx, inv: Invitation) => Promise<{ id: string; email: string }>,
): Promise<{ userId: string; email: string; orgId: string }> {
  const tokenHash = hashInviteToken(token);
  return db.$transaction(async (tx) => {
    // Row lock: two tabs accepting the same link cannot both succeed.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invitation" WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
    const inv = rows[0] ? await tx.invitation.findUnique({ where: { id: rows[0].id } }) : null;
    if (!inv) throw new AppError("not_found", REASONS.not_found);
    const status = invitationStatus(inv);
    if (status !== "pending") throw new AppError("gone", REASONS[status]);
    const user = await userFor(tx, inv);
    const already = await tx.membership.findUnique({ where: { orgId_userId: { orgId: inv.orgId, userId: user.id } } });
    if (already) throw new AppError("conflict", "You are already a member of this organization.");
    const membership = await tx.membership.create({ data: { orgId: inv.orgId, userId: user.id, role: inv.role } });
    await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: new Date() } });
    await recordAuditEvent(tx, {
      orgId: inv.orgId,
      ctx: { ...req, actor: { type: "user", id: user.id, label: user.email } },
      action: "member.joined",
      target: { type: "member", id: membership.id, label: user.email },
      after: { role: inv.role, invitation_id: inv.id },
    });
    return { userId: user.id, email: user.email, orgId: inv.orgId };
  });
}
