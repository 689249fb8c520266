// First run: creates the first user, their organization and the owner membership.
// Refused once any user exists, so the setup page cannot be replayed to take over.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import type { SetupInput } from "@/lib/validations/passwords";

export async function needsSetup(): Promise<boolean> {
  return (await db.user.count()) === 0;
}

export async function setupFirstAdmin(input: SetupInput, req: Omit<AuditContext, "actor">) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
    if ((await tx.user.count()) > 0) {
      throw new AppError("conflict", "Gatehouse is already set up. Sign in instead.");
    }
    const user = await tx.user.create({ data: { name: input.name, email: input.email, passwordHash } });
    const org = await tx.organization.create({ data: { name: input.orgName } });
    const membership = await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: "owner" } });
    const ctx = { ...req, actor: { type: "user" as const, id: user.id, label: user.email } };
    await recordAuditEvent(tx, {
      orgId: org.id,
      ctx,
      action: "organization.created",
      target: { type: "organization", id: org.id, label: org.name },
      after: { name: org.name },
    });
    await recordAuditEvent(tx, {
      orgId: org.id,
      ctx,
      action: "member.added",
      target: { type: "member", id: membership.id, label: user.email },
      after: { role: "owner" },
    });
    return { user, org };
  });
}
