import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditContext } from "@/lib/audit/record-audit-event";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/client";
import { acceptInvitation, acceptInvitationAsUser, lookupInvitation, SIGN_IN_TO_ACCEPT } from "@/lib/orgs/accept-invitation";
import { INVITE_TTL_MS, inviteMember, revokeInvitation } from "@/lib/orgs/invite-member";
import { listPendingInvitations } from "@/lib/orgs/manage-members";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const req = { ip: "198.51.100.4", userAgent: "vitest" };
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${randomBytes(3).toString("hex")}@example.com`;

async function orgWithOwner() {
  const owner = await db.user.create({ data: { email: unique("owner"), name: "Owner" } });
  const org = await db.organization.create({ data: { name: `Org ${n}` } });
  await db.membership.create({ data: { orgId: org.id, userId: owner.id, role: "owner" } });
  const ctx: AuditContext = { actor: { type: "user", id: owner.id, label: owner.email }, ...req };
  return { org, owner, ctx };
}

async function invite(orgId: string, ctx: AuditContext, email: string, role: Role = "developer", inviterRole: Role = "owner") {
  return inviteMember({ orgId, email, role, inviterRole, inviterId: ctx.actor.id ?? null, ctx });
}

describe("inviteMember", () => {
  it("stores only the token's hash, expires in 7 days and writes an audit entry", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("new");
    const before = Date.now();
    const { invitation, token } = await invite(org.id, ctx, email, "admin");
    expect(token).toMatch(/^inv_[A-Za-z0-9_-]{32}$/);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.tokenHash).not.toContain(token.slice(4));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.expiresAt.getTime() - before).toBeGreaterThanOrEqual(INVITE_TTL_MS - 1000);
    expect(row.expiresAt.getTime() - before).toBeLessThanOrEqual(INVITE_TTL_MS + 5000);

    const audit = await db.auditEvent.findMany({ where: { orgId: org.id, action: "invitation.created" }, orderBy: { seq: "asc" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: invitation.id, targetLabel: email, after: { email, role: "admin" } });
    // The token must not leak into the audit trail.
    const serialized = JSON.stringify(audit[0], (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(serialized).not.toContain(token);
  });

  it("lets only owners invite owners", async () => {
    const { org, ctx } = await orgWithOwner();
    await expect(invite(org.id, ctx, unique("x"), "owner", "admin")).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await expect(invite(org.id, ctx, unique("x"), "owner", "owner")).resolves.toBeTruthy();
  });

  it("refuses to invite someone who is already a member, naming the email field", async () => {
    const { org, owner, ctx } = await orgWithOwner();
    await expect(invite(org.id, ctx, owner.email)).rejects.toMatchObject({
      code: "conflict",
      errors: [{ field: "email", message: "already a member" }],
    });
  });

  it("replaces a pending invitation for the same email: the older link stops working", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("twice");
    const first = await invite(org.id, ctx, email);
    const second = await invite(org.id, ctx, email, "viewer");
    expect(await lookupInvitation(first.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await lookupInvitation(second.token)).toMatchObject({ ok: true, invitation: { email, role: "viewer" } });
    expect((await listPendingInvitations(org.id)).map((i) => i.id)).toEqual([second.invitation.id]);
  });
});

describe("acceptInvitation", () => {
  it("creates a new user with the invited role, once; the second use is 410 gone", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("new");
    const { token, invitation } = await invite(org.id, ctx, email, "viewer");
    expect(await lookupInvitation(token)).toMatchObject({ ok: true, invitation: { email, role: "viewer" } });

    const res = await acceptInvitation({ token, name: "Grace", password: "a long password", req });
    expect(res).toMatchObject({ email, orgId: org.id });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user.name).toBe("Grace");
    expect(await verifyPassword(user.passwordHash, "a long password")).toBe(true);
    expect(await db.membership.findUnique({ where: { orgId_userId: { orgId: org.id, userId: user.id } } })).toMatchObject({
      role: "viewer",
    });
    const joined = await db.auditEvent.findMany({ where: { orgId: org.id, action: "member.joined" }, orderBy: { seq: "asc" } });
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ actorId: user.id, targetLabel: email, after: { role: "viewer", invitation_id: invitation.id } });

    await expect(acceptInvitation({ token, name: "Grace again", password: "another password", req })).rejects.toMatchObject({
      code: "gone",
      status: 410,
    });
    // Also with the right password: the link is used up, whatever comes with it.
    await expect(acceptInvitation({ token, name: "Grace", password: "a long password", req })).rejects.toMatchObject({
      code: "gone",
    });
    expect(await lookupInvitation(token)).toEqual({ ok: false, reason: "accepted" });
    expect(await db.membership.count({ where: { orgId: org.id } })).toBe(2);
  });

  it("never checks a password: an existing user is refused on the new-account path and joins while signed in", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("existing");
    const existing = await db.user.create({
      data: { email, name: "Existing", passwordHash: await hashPassword("my real password") },
    });
    const { token } = await invite(org.id, ctx, email, "developer");
    // The lookup says nothing about whether the email has an account.
    const lookup = await lookupInvitation(token);
    expect(lookup).toMatchObject({ ok: true });
    expect(lookup).not.toHaveProperty("existingUser");

    // Right or wrong password, the same refusal: nothing to learn about the password here.
    for (const password of ["guessed password", "my real password"]) {
      await expect(acceptInvitation({ token, name: "Attacker", password, req })).rejects.toMatchObject({
        code: "conflict",
        message: SIGN_IN_TO_ACCEPT,
      });
    }
    expect(await lookupInvitation(token)).toMatchObject({ ok: true });
    expect(await db.membership.count({ where: { orgId: org.id, userId: existing.id } })).toBe(0);

    // Another signed-in user cannot take it.
    const other = await db.user.create({ data: { email: unique("other"), name: "Other" } });
    await expect(acceptInvitationAsUser({ token, userId: other.id, req })).rejects.toMatchObject({ code: "forbidden" });

    await acceptInvitationAsUser({ token, userId: existing.id, req });
    const after = await db.user.findUniqueOrThrow({ where: { id: existing.id } });
    expect(after.name).toBe("Existing");
    expect(await verifyPassword(after.passwordHash, "my real password")).toBe(true);
    expect(await db.membership.findFirst({ where: { orgId: org.id, userId: existing.id } })).toMatchObject({ role: "developer" });
    expect(await lookupInvitation(token)).toEqual({ ok: false, reason: "accepted" });
  });

  it("refuses an expired link with 410 and does not create the user", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("late");
    const { token, invitation } = await invite(org.id, ctx, email);
    await db.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await lookupInvitation(token)).toEqual({ ok: false, reason: "expired" });
    await expect(acceptInvitation({ token, name: "Late", password: "a long password", req })).rejects.toMatchObject({
      code: "gone",
      message: expect.stringMatching(/expired/),
    });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await listPendingInvitations(org.id)).toEqual([]);
  });

  it("refuses a revoked link with 410; revoking writes an audit entry and cannot happen twice", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("revoked");
    const { token, invitation } = await invite(org.id, ctx, email);
    await revokeInvitation({ orgId: org.id, invitationId: invitation.id, ctx });
    expect(await lookupInvitation(token)).toEqual({ ok: false, reason: "revoked" });
    await expect(acceptInvitation({ token, name: "Too late", password: "a long password", req })).rejects.toMatchObject({
      code: "gone",
      message: expect.stringMatching(/revoked/),
    });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await db.auditEvent.findMany({ where: { orgId: org.id, action: "invitation.revoked" }, orderBy: { seq: "asc" } })).toMatchObject([
      { targetId: invitation.id, targetLabel: email, actorId: ctx.actor.id },
    ]);
    await expect(revokeInvitation({ orgId: org.id, invitationId: invitation.id, ctx })).rejects.toMatchObject({ code: "conflict" });
  });

  it("cannot revoke another organization's invitation", async () => {
    const a = await orgWithOwner();
    const b = await orgWithOwner();
    const { token, invitation } = await invite(a.org.id, a.ctx, unique("a"));
    await expect(revokeInvitation({ orgId: b.org.id, invitationId: invitation.id, ctx: b.ctx })).rejects.toMatchObject({
      code: "not_found",
      status: 404,
    });
    expect(await lookupInvitation(token)).toMatchObject({ ok: true });
  });

  it("treats forged and malformed tokens as not found", async () => {
    const forged = "inv_" + randomBytes(24).toString("base64url");
    expect(await lookupInvitation(forged)).toEqual({ ok: false, reason: "not_found" });
    expect(await lookupInvitation("inv_short")).toEqual({ ok: false, reason: "not_found" });
    expect(await lookupInvitation("../../etc/passwd")).toEqual({ ok: false, reason: "not_found" });
    await expect(acceptInvitation({ token: forged, name: "Forger", password: "a long password", req })).rejects.toMatchObject({
      code: "not_found",
      status: 404,
    });
    expect(await db.user.count({ where: { name: "Forger" } })).toBe(0);
  });

  it("does not let two concurrent accepts of one link both succeed", async () => {
    const { org, ctx } = await orgWithOwner();
    const email = unique("race");
    const { token } = await invite(org.id, ctx, email);
    const results = await Promise.allSettled([
      acceptInvitation({ token, name: "Tab one", password: "a long password", req }),
      acceptInvitation({ token, name: "Tab two", password: "a long password", req }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { email } })).toBe(1);
    expect(await db.auditEvent.count({ where: { orgId: org.id, action: "member.joined" } })).toBe(1);
  });
});
