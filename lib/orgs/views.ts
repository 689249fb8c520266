// API shapes (snake_case) of org rows.
import type { Invitation, Membership, User } from "@/lib/generated/prisma/client";
import type { InvitationView, MemberView } from "@/lib/validations/orgs";

export function memberView(m: Pick<Membership, "id" | "userId" | "role" | "createdAt"> & { user: Pick<User, "id" | "name" | "email"> }): MemberView {
  return {
    id: m.id,
    user_id: m.userId,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    created_at: m.createdAt.toISOString(),
  };
}

export function invitationStatus(i: Invitation, now = new Date()): InvitationView["status"] {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  if (i.expiresAt <= now) return "expired";
  return "pending";
}

export function invitationView(i: Invitation): InvitationView {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: invitationStatus(i),
    expires_at: i.expiresAt.toISOString(),
    created_at: i.createdAt.toISOString(),
  };
}
