import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditContext } from "@/lib/audit/record-audit-event";
import { getDb, type Db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { changeMemberRole, listMembers, removeMember } from "@/lib/orgs/manage-members";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const req = { ip: "192.0.2.10", userAgent: "vitest" };
let n = 0;

const addMember = (orgId: string, userId: string, role: Role) =>
  db.membership.create({ data: { orgId, userId, role }, include: { user: true } });

/** An organization with one member per given role, in order. */
async function org(...roles: Role[]) {
  const o = await db.organization.create({ data: { name: `Org ${++n}` } });
  const members: Awaited<ReturnType<typeof addMember>>[] = [];
  for (const role of roles) {
    const user = await db.user.create({ data: { email: `${role}-${++n}-${randomBytes(3).toString("hex")}@example.com`, name: role } });
    members.push(await addMember(o.id, user.id, role));
  }
  const ctxOf = (i: number): AuditContext => ({
    actor: { type: "user", id: members[i]!.userId, label: members[i]!.user.email },
    ...req,
  });
  return { org: o, members, ctxOf };
}

const roleOf = async (id: string) => (await db.membership.findUnique({ where: { id } }))?.role;
const audit = (orgId: string, action: string) =>
  db.auditEvent.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });

describe("changeMemberRole", () => {
  it("changes the role and records before and after", async () => {
    const { org: o, members, ctxOf } = await org("owner", "developer");
    const dev = members[1]!;
    const updated = await changeMemberRole({ orgId: o.id, membershipId: dev.id, role: "admin", actorRole: "owner", ctx: ctxOf(0) });
    expect(updated).toMatchObject({ role: "admin", user: { email: dev.user.email } });
    expect(await roleOf(dev.id)).toBe("admin");
    expect(await audit(o.id, "member.role_changed")).toMatchObject([
      {
        actorId: members[0]!.userId,
        targetType: "member",
        targetId: dev.id,
        targetLabel: dev.user.email,
        before: { role: "developer" },
        after: { role: "admin" },
        ip: req.ip,
      },
    ]);
  });

  it("writes nothing when the role does not change", async () => {
    const { org: o, members, ctxOf } = await org("owner", "viewer");
    await changeMemberRole({ orgId: o.id, membershipId: members[1]!.id, role: "viewer", actorRole: "owner", ctx: ctxOf(0) });
    expect(await audit(o.id, "member.role_changed")).toEqual([]);
  });

  it("refuses to demote the last owner (409), and allows it once there is another owner", async () => {
    const { org: o, members, ctxOf } = await org("owner", "admin");
    const [owner, admin] = [members[0]!, members[1]!];
    await expect(
      changeMemberRole({ orgId: o.id, membershipId: owner.id, role: "admin", actorRole: "owner", ctx: ctxOf(0) }),
    ).rejects.toMatchObject({ code: "conflict", status: 409, message: expect.stringMatching(/last owner/) });
    expect(await roleOf(owner.id)).toBe("owner");

    await changeMemberRole({ orgId: o.id, membershipId: admin.id, role: "owner", actorRole: "owner", ctx: ctxOf(0) });
    await changeMemberRole({ orgId: o.id, membershipId: owner.id, role: "developer", actorRole: "owner", ctx: ctxOf(0) });
    expect(await roleOf(owner.id)).toBe("developer");
    expect((await audit(o.id, "member.role_changed")).map((a) => [a.targetId, a.before, a.after])).toEqual([
      [admin.id, { role: "admin" }, { role: "owner" }],
      [owner.id, { role: "owner" }, { role: "developer" }],
    ]);
  });

  it("keeps one owner when two owners demote each other at the same time", async () => {
    const { org: o, members, ctxOf } = await org("owner", "owner");
    const results = await Promise.allSettled([
      changeMemberRole({ orgId: o.id, membershipId: members[0]!.id, role: "admin", actorRole: "owner", ctx: ctxOf(1) }),
      changeMemberRole({ orgId: o.id, membershipId: members[1]!.id, role: "admin", actorRole: "owner", ctx: ctxOf(0) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { orgId: o.id, role: "owner" } })).toBe(1);
  });

  it("does not let admins make owners or change an owner's role", async () => {
    const { org: o, members, ctxOf } = await org("owner", "admin", "developer");
    const [owner, , dev] = members;
    await expect(
      changeMemberRole({ orgId: o.id, membershipId: dev!.id, role: "owner", actorRole: "admin", ctx: ctxOf(1) }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await expect(
      changeMemberRole({ orgId: o.id, membershipId: owner!.id, role: "viewer", actorRole: "admin", ctx: ctxOf(1) }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });
    expect([await roleOf(owner!.id), await roleOf(dev!.id)]).toEqual(["owner", "developer"]);
    // What admins may do: move non-owners between the other roles.
    await changeMemberRole({ orgId: o.id, membershipId: dev!.id, role: "viewer", actorRole: "admin", ctx: ctxOf(1) });
    expect(await roleOf(dev!.id)).toBe("viewer");
    expect(await audit(o.id, "member.role_changed")).toHaveLength(1);
  });

  it("cannot reach a member of another organization", async () => {
    const a = await org("owner", "developer");
    const b = await org("owner");
    await expect(
      changeMemberRole({ orgId: b.org.id, membershipId: a.members[1]!.id, role: "admin", actorRole: "owner", ctx: b.ctxOf(0) }),
    ).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect(await roleOf(a.members[1]!.id)).toBe("developer");
  });
});

describe("removeMember", () => {
  it("removes the membership, keeps the user, and records the role they had", async () => {
    const { org: o, members, ctxOf } = await org("owner", "developer");
    const dev = members[1]!;
    await removeMember({ orgId: o.id, membershipId: dev.id, actorRole: "owner", ctx: ctxOf(0) });
    expect(await db.membership.findUnique({ where: { id: dev.id } })).toBeNull();
    expect(await db.user.findUnique({ where: { id: dev.userId } })).not.toBeNull();
    expect((await listMembers(o.id)).map((m) => m.id)).toEqual([members[0]!.id]);
    expect(await audit(o.id, "member.removed")).toMatchObject([
      { targetId: dev.id, targetLabel: dev.user.email, before: { role: "developer" }, after: null, actorId: members[0]!.userId },
    ]);
  });

  it("refuses to remove the last owner (409), even when the owner removes themselves", async () => {
    const { org: o, members, ctxOf } = await org("owner", "admin");
    await expect(
      removeMember({ orgId: o.id, membershipId: members[0]!.id, actorRole: "owner", ctx: ctxOf(0) }),
    ).rejects.toMatchObject({ code: "conflict", status: 409, message: expect.stringMatching(/last owner/) });
    expect(await roleOf(members[0]!.id)).toBe("owner");
    expect(await audit(o.id, "member.removed")).toEqual([]);
  });

  it("lets an owner remove another owner when one remains", async () => {
    const { org: o, members, ctxOf } = await org("owner", "owner");
    await removeMember({ orgId: o.id, membershipId: members[1]!.id, actorRole: "owner", ctx: ctxOf(0) });
    expect(await db.membership.count({ where: { orgId: o.id, role: "owner" } })).toBe(1);
  });

  it("does not let admins remove owners, but lets them remove others", async () => {
    const { org: o, members, ctxOf } = await org("owner", "owner", "admin", "viewer");
    await expect(
      removeMember({ orgId: o.id, membershipId: members[0]!.id, actorRole: "admin", ctx: ctxOf(2) }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });
    expect(await roleOf(members[0]!.id)).toBe("owner");
    await removeMember({ orgId: o.id, membershipId: members[3]!.id, actorRole: "admin", ctx: ctxOf(2) });
    expect(await roleOf(members[3]!.id)).toBeUndefined();
  });

  it("answers 404 for an unknown or foreign member", async () => {
    const a = await org("owner", "viewer");
    const b = await org("owner");
    await expect(
      removeMember({ orgId: b.org.id, membershipId: a.members[1]!.id, actorRole: "owner", ctx: b.ctxOf(0) }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(removeMember({ orgId: a.org.id, membershipId: "nope", actorRole: "owner", ctx: a.ctxOf(0) })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await roleOf(a.members[1]!.id)).toBe("viewer");
  });
});
