// Attacks on invite links (issue 12, finding 4). Holding an invite link for an email that already
// had an account, one could try passwords with no limit ("That is not the password of this
// account"; the right one joined and signed in as that user), and the invite page told whoever
// opened it whether the email had an account. Now an existing user accepts only while signed in
// (through the throttled sign-in), and the page is the same whether or not an account exists.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";
import { acceptInvitation, lookupInvitation } from "@/lib/orgs/accept-invitation";
import { inviteMember } from "@/lib/orgs/invite-member";
import { inRequestScope } from "@/tests/security/helpers/auth-http";

const req = { ip: "127.0.0.1", userAgent: "vitest" };
let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function inviteTo(email: string) {
  const owner = await db.user.create({ data: { email: `owner-${randomBytes(4).toString("hex")}@example.com`, name: "Owner" } });
  const org = await db.organization.create({ data: { name: "Inviting org" } });
  await db.membership.create({ data: { orgId: org.id, userId: owner.id, role: "owner" } });
  const ctx = { actor: { type: "user" as const, id: owner.id, label: owner.email }, ...req };
  const { token } = await inviteMember({ orgId: org.id, email, role: "admin", inviterRole: "owner", inviterId: owner.id, ctx });
  return { org, token };
}

/** The invite page's element tree for a signed-out visitor, with the email and token blanked. */
async function renderInvitePage(token: string, email: string): Promise<string> {
  const { default: InvitePage } = await import("@/app/(auth)/invite/[token]/page");
  const request = new Request("http://localhost:3000/invite/" + token);
  const tree = await inRequestScope(request, () => InvitePage({ params: Promise.resolve({ token }) }));
  // Element type and props only: React's bookkeeping fields (_owner, _store, …) are circular.
  const named = (v: unknown) => {
    const c = v as { name?: string; displayName?: string; render?: { name?: string } };
    return `component:${c.displayName ?? c.name ?? c.render?.name ?? "?"}`;
  };
  return JSON.stringify(tree, (k, v: unknown) =>
    k.startsWith("_") ? undefined : typeof v === "function" || (k === "type" && typeof v === "object" && v) ? named(v) : v,
  )
    .replaceAll(token, "TOKEN")
    .replaceAll(encodeURIComponent(token), "TOKEN")
    .replaceAll(email, "EMAIL");
}

describe("invite links", () => {
  it("are not a password oracle: no password is checked for an existing account, right or wrong", async () => {
    const email = `existing-${randomBytes(4).toString("hex")}@example.com`;
    const victim = await db.user.create({ data: { email, name: "Victim", passwordHash: await hashPassword("Victim-Real-Password-7") } });
    const { org, token } = await inviteTo(email);

    const answers = [];
    for (const password of ["guess-number-one", "guess-number-two", "Victim-Real-Password-7"]) {
      answers.push(await acceptInvitation({ token, name: "Attacker", password, req }).then(() => "joined", (e: Error) => e.message));
    }
    // The same answer for every password, the right one included, and nobody joined.
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/sign in to accept/i);
    expect(await db.membership.count({ where: { orgId: org.id, userId: victim.id } })).toBe(0);
    // The account is untouched and the link still works for its owner.
    expect((await db.user.findUniqueOrThrow({ where: { id: victim.id } })).name).toBe("Victim");
    expect(await lookupInvitation(token)).toMatchObject({ ok: true });
  });

  it("look the same whether or not the email has an account", async () => {
    const existing = `has-account-${randomBytes(4).toString("hex")}@example.com`;
    await db.user.create({ data: { email: existing, name: "Has account", passwordHash: await hashPassword("Some-Long-Password-1") } });
    const fresh = `no-account-${randomBytes(4).toString("hex")}@example.com`;
    const a = await inviteTo(existing);
    const b = await inviteTo(fresh);

    const la = await lookupInvitation(a.token);
    const lb = await lookupInvitation(b.token);
    expect(Object.keys(la).sort()).toEqual(Object.keys(lb).sort());
    expect(JSON.stringify(la)).not.toMatch(/existing/i);

    const pageA = await renderInvitePage(a.token, existing);
    const pageB = await renderInvitePage(b.token, fresh);
    expect(pageA).toContain("Sign in to accept");
    expect(pageA).toBe(pageB);
  });
});
