// Invites someone by email. The link carries a random token; only its SHA-256 is stored,
// so the link is shown once (no mail server is needed: the admin copies it).
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { hasRole } from "@/lib/orgs/roles";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function inviteMember(opts: {
  orgId: string;
  email: string;
  role: Role;
  inviterRole: Role;
  inviterId: string | null;
  ctx: AuditContext;
}) {
  if (opts.role === "owner" && !hasRole(opts.inviterRole, "owner")) {
    throw new AppError("forbidden", "Only owners can invite owners.");
  }
  const token = "inv_" + randomBytes(24).toString("base64url");
  const invitation = await db.$transaction(async (tx) => {
    const existing = await tx.membership.findFirst({ where: { orgId: opts.orgId, user: { email: opts.email } } });
    if (existing) {
      throw new AppError("conflict", `${opts.email} is already a member.`, {
        errors: [{ field: "email", message: "already a member" }],
      });
    }
    // A new invite for the same email replaces any pending one.
    await tx.invitation.updateMany({
      where: { orgId: opts.orgId, email: opts.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const inv = await tx.invitation.create({
      data: {
        orgId: opts.orgId,
        email: opts.email,
        role: opts.role,
        tokenHash: hashInviteToken(token),
        invitedById: opts.inviterId,
        expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "invitation.created",
      target: { type: "invitation", id: inv.id, label: opts.email },
      after: { email: opts.email, role: opts.role, expires_at: inv.expiresAt.toISOString() },
    });
    return inv;
  });
  return { invitation, token };
}

export async function revokeInvitation(opts: { orgId: string; invitationId: string; ctx: AuditContext }) {
  return db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id: opts.invitationId, orgId: opts.orgId } });
    if (!inv) throw new AppError("not_found", "No such invitation.");
    if (inv.acceptedAt || inv.revokedAt) throw new AppError("conflict", "This invitation is no longer pending.");
    const updated = await tx.invitation.update({ where: { id: inv.id }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "invitation.revoked",
      target: { type: "invitation", id: inv.id, label: inv.email },
    });
    return updated;
  });
}
