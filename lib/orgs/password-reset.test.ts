// One-time password reset links (issue 14, "forgot password" without email): an owner makes one
// for a member of their organization; it works once, until it expires, and never for another
// organization's member. Each attack here is a way the link could have been misused.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditContext } from "@/lib/audit/record-audit-event";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { createPasswordReset, lookupPasswordReset, redeemPasswordReset } from "@/lib/orgs/password-reset";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const req = { ip: "192.0.2.20", userAgent: "vitest" };
const NEW_PASSWORD = "correct horse battery staple 42";
let n = 0;

const addMember = (orgId: string, userId: string, role: Role) =>
  db.membership.create({ data: { orgId, userId, role }, include: { user: true } });

async function org(...roles: Role[]) {
  const o = await db.organization.create({ data: { name: `Org ${++n}` } });
  const members: Awaited<ReturnType<typeof addMember>>[] = [];
  for (const role of roles) {
    const user = await db.user.create({
      data: { email: `${role}-${++n}-${randomBytes(3).toString("hex")}@example.com`, name: role, passwordHash: await hashPassword("old password 1234") },
    });
    members.push(await addMember(o.id, user.id, role));
  }
  const ctxOf = (i: number): AuditContext => ({ actor: { type: "user", id: members[i]!.userId, label: members[i]!.user.email }, ...req });
  const reset = (target: number, by = 0, orgId = o.id) =>
    createPasswordReset({ orgId, membershipId: members[target]!.id, actorRole: members[by]!.role, actorUserId: members[by]!.userId, ctx: ctxOf(by) });
  return { org: o, members, ctxOf, reset };
}

const passwordOf = async (userId: string) => (await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash;

describe("password reset links", () => {
  it("an owner's link sets the member's password once, ends their sessions, and both steps are audited", async () => {
    const { org: o, members, reset } = await org("owner", "developer");
    const dev = members[1]!;
    await db.consoleSession.create({ data: { id: `sid_${randomBytes(6).toString("hex")}`, userId: dev.userId, expiresAt: new Date(Date.now() + 3600_000) } });
    const { token, email, expiresAt } = await reset(1);
    expect(email).toBe(dev.user.email);
    expect(token).toMatch(/^pwr_/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    // Only the hash is stored.
    expect(await db.passwordReset.count({ where: { tokenHash: token } })).toBe(0);
    expect(await lookupPasswordReset(token)).toEqual({ ok: true, email: dev.user.email });

    await expect(redeemPasswordReset({ token, password: NEW_PASSWORD, req })).resolves.toEqual({ email: dev.user.email });
    expect(await verifyPassword(await passwordOf(dev.userId), NEW_PASSWORD)).toBe(true);
    expect(await db.consoleSession.count({ where: { userId: dev.userId } })).toBe(0);

    // Single use: the second try is refused and changes nothing.
    await expect(redeemPasswordReset({ token, password: "another strong passphrase 99", req })).rejects.toMatchObject({ status: 404 });
    expect(await verifyPassword(await passwordOf(dev.userId), NEW_PASSWORD)).toBe(true);
    expect((await lookupPasswordReset(token)).ok).toBe(false);

    const actions = (await db.auditEvent.findMany({ where: { orgId: o.id }, orderBy: { seq: "asc" } })).map((e) => [e.action, e.targetId, e.actorId]);
    expect(actions).toEqual([
      ["member.password_reset_link_created", dev.id, members[0]!.userId],
      ["member.password_reset", dev.id, dev.userId],
    ]);
    // The token never reaches the audit log.
    expect(JSON.stringify(await db.auditEvent.findMany({ where: { orgId: o.id } }), (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(token);
  });

  it("two concurrent uses of one link: exactly one sets the password", async () => {
    const { members, reset } = await org("owner", "viewer");
    const { token } = await reset(1);
    const results = await Promise.allSettled([
      redeemPasswordReset({ token, password: NEW_PASSWORD, req }),
      redeemPasswordReset({ token, password: "a different passphrase 77", req }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const hash = await passwordOf(members[1]!.userId);
    expect((await verifyPassword(hash, NEW_PASSWORD)) !== (await verifyPassword(hash, "a different passphrase 77"))).toBe(true);
  });

  it("an expired link is refused", async () => {
    const { members, reset } = await org("owner", "developer");
    const { token } = await reset(1);
    await db.passwordReset.updateMany({ where: { userId: members[1]!.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await lookupPasswordReset(token)).ok).toBe(false);
    await expect(redeemPasswordReset({ token, password: NEW_PASSWORD, req })).rejects.toMatchObject({ status: 404 });
    expect(await verifyPassword(await passwordOf(members[1]!.userId), NEW_PASSWORD)).toBe(false);
  });

  it("a newer link replaces an older unused one", async () => {
    const { reset } = await org("owner", "developer");
    const first = await reset(1);
    const second = await reset(1);
    await expect(redeemPasswordReset({ token: first.token, password: NEW_PASSWORD, req })).rejects.toMatchObject({ status: 404 });
    await expect(redeemPasswordReset({ token: second.token, password: NEW_PASSWORD, req })).resolves.toBeTruthy();
  });

  it("another organization's member is refused, as is a member who also belongs elsewhere", async () => {
    const a = await org("owner");
    const b = await org("owner", "developer");
    // Org A's owner names org B's membership id: not found in A.
    await expect(
      createPasswordReset({ orgId: a.org.id, membershipId: b.members[1]!.id, actorRole: "owner", actorUserId: a.members[0]!.userId, ctx: a.ctxOf(0) }),
    ).rejects.toMatchObject({ status: 404 });
    // B's developer joins A too: A's owner must not take over an account that opens B.
    const shared = await db.membership.create({ data: { orgId: a.org.id, userId: b.members[1]!.userId, role: "developer" } });
    await expect(
      createPasswordReset({ orgId: a.org.id, membershipId: shared.id, actorRole: "owner", actorUserId: a.members[0]!.userId, ctx: a.ctxOf(0) }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/another organization/) });
    expect(await db.passwordReset.count({ where: { userId: b.members[1]!.userId } })).toBe(0);
  });

  it("only owners make links, not for themselves; a member removed since cannot use theirs", async () => {
    const { members, reset } = await org("owner", "admin", "developer");
    await expect(reset(2, 1)).rejects.toMatchObject({ status: 403 });
    await expect(reset(0, 0)).rejects.toMatchObject({ status: 409 });
    const { token } = await reset(2);
    await db.membership.delete({ where: { id: members[2]!.id } });
    await expect(redeemPasswordReset({ token, password: NEW_PASSWORD, req })).rejects.toMatchObject({ status: 404 });
    expect(await verifyPassword(await passwordOf(members[2]!.userId), NEW_PASSWORD)).toBe(false);
  });

  it("malformed and unknown tokens are refused without a lookup hit", async () => {
    for (const t of ["", "pwr_", "inv_" + "a".repeat(32), "pwr_" + "a".repeat(32), "pwr_../../x"]) {
      expect((await lookupPasswordReset(t)).ok).toBe(false);
      await expect(redeemPasswordReset({ token: t, password: NEW_PASSWORD, req })).rejects.toMatchObject({ status: 404 });
    }
  });
});
