import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";
import { needsSetup, setupFirstAdmin } from "@/lib/orgs/setup-first-admin";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";

// setupFirstAdmin only works on an empty database, so this file owns its database alone.
let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const req = { ip: "203.0.113.7", userAgent: "vitest" };

describe("setupFirstAdmin", () => {
  it("creates the first user, the organization and an owner membership, with audit entries", async () => {
    expect(await needsSetup()).toBe(true);
    const { user, org } = await setupFirstAdmin(
      { name: "Ada", email: "ada@example.com", password: "correct horse battery", orgName: "Acme" },
      req,
    );
    expect(await needsSetup()).toBe(false);
    expect(org.name).toBe("Acme");
    const memberships = await db.membership.findMany({ where: { userId: user.id } });
    expect(memberships).toMatchObject([{ orgId: org.id, role: "owner" }]);
    // The password is stored as an argon2id hash, never as given.
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored.passwordHash, "correct horse battery")).toBe(true);

    const audit = await db.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["organization.created", "member.added"]);
    expect(audit[0]).toMatchObject({ actorType: "user", actorId: user.id, actorLabel: "ada@example.com", ip: req.ip, after: { name: "Acme" } });
    expect(audit[1]).toMatchObject({ targetType: "member", targetLabel: "ada@example.com", after: { role: "owner" } });
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: true, count: 2 });
  });

  it("refuses a second setup, so the setup page cannot be replayed to take over", async () => {
    await expect(
      setupFirstAdmin({ name: "Mallory", email: "mallory@example.com", password: "not my instance", orgName: "Evil" }, req),
    ).rejects.toMatchObject({ code: "conflict", status: 409 });
    expect(await db.user.findUnique({ where: { email: "mallory@example.com" } })).toBeNull();
    expect(await db.organization.count()).toBe(1);
  });

  it("refuses later setups even when they arrive together", async () => {
    const results = await Promise.allSettled([
      setupFirstAdmin({ name: "B", email: "b@example.com", password: "0123456789ab", orgName: "Org B" }, req),
      setupFirstAdmin({ name: "C", email: "c@example.com", password: "0123456789ab", orgName: "Org C" }, req),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await db.user.count()).toBe(1);
  });
});
