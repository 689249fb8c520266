// Role changes and removals. An organization always keeps at least one owner, and only
// owners can make or unmake owners.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db, type Tx } from "@/lib/db/client";
import { prepared, processLoader } from "@/lib/db/sql";
import type { Membership, Role, User } from "@/lib/generated/prisma/client";
import { hasRole } from "@/lib/orgs/roles";

async function lockOrg(tx: Tx, orgId: string) {
  await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
}

async function loadMember(tx: Tx, orgId: string, membershipId: string) {
  const m = await tx.membership.findFirst({
    where: { id: membershipId, orgId },
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  if (!m) throw new AppError("not_found", "No such member in this organization.");
  return m;
}

async function assertNotLastOwner(tx: Tx, orgId: string, what: string) {
  const owners = await tx.membership.count({ where: { orgId, role: "owner" } });
  if (owners <= 1) {
    throw new AppError("conflict", `The last owner cannot be ${what}. Make someone else an owner first.`);
  }
}

export async function changeMemberRole(opts: {
  orgId: string;
  membershipId: string;
  role: Role;
  actorRole: Role;
  ctx: AuditContext;
}) {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, opts.orgId);
    const m = await loadMember(tx, opts.orgId, opts.membershipId);
    if ((m.role === "owner" || opts.role === "owner") && !hasRole(opts.actorRole, "owner")) {
      throw new AppError("forbidden", "Only owners can grant or change the owner role.");
    }
    if (m.role === opts.role) return m;
    if (m.role === "owner") await assertNotLastOwner(tx, opts.orgId, "demoted");
    const updated = await tx.membership.update({
      where: { id: m.id },
      data: { role: opts.role },
      include: { user: { select: { id: true, email: true, name: true } } },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "member.role_changed",
      target: { type: "member", id: m.id, label: m.user.email },
      before: { role: m.role },
      after: { role: opts.role },
    });
    return updated;
  });
}

export async function removeMember(opts: { orgId: string; membershipId: string; actorRole: Role; ctx: AuditContext }) {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, opts.orgId);
    const m = await loadMember(tx, opts.orgId, opts.membershipId);
    if (m.role === "owner") {
      if (!hasRole(opts.actorRole, "owner")) throw new AppError("forbidden", "Only owners can remove an owner.");
      await assertNotLastOwner(tx, opts.orgId, "removed");
    }
    await tx.membership.delete({ where: { id: m.id } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "member.removed",
      target: { type: "member", id: m.id, label: m.user.email },
      before: { role: m.role },
    });
  });
}

export type MemberRow = Pick<Membership, "id" | "userId" | "role" | "createdAt"> & { user: Pick<User, "id" | "name" | "email"> };

type MemberSqlRow = { orgId: string; id: string; userId: string; role: Role; createdAt: Date; name: string | null; email: string };

const selectMembers = prepared<MemberSqlRow>(
  "gatehouse_list_members_of_orgs",
  `SELECT m."orgId", m."id", m."userId", m."role", (m."createdAt" AT TIME ZONE 'UTC') AS "createdAt", u."name", u."email"
     FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."orgId" = ANY($1::text[])
    ORDER BY m."orgId", m."createdAt" ASC, m."id" ASC`,
);

// Concurrent list calls share one query (each still gets rows read after its call began).
const loadMembers = processLoader<string, MemberRow[]>("manage-members.loadMembers", async (orgIds) => {
  const byOrg = new Map<string, MemberRow[]>(orgIds.map((id) => [id, []]));
  for (const r of await selectMembers([orgIds])) {
    byOrg.get(r.orgId)?.push({ id: r.id, userId: r.userId, role: r.role, createdAt: r.createdAt, user: { id: r.userId, name: r.name, email: r.email } });
  }
  return byOrg;
});

/** Everyone in the organization, oldest first. Plain SQL, prepared and coalesced: the API's most common read. */
export async function listMembers(orgId: string): Promise<MemberRow[]> {
  return (await loadMembers(orgId)) ?? [];
}

export async function listPendingInvitations(orgId: string) {
  return db.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
}
