// The console's view of the signed-in admin: user, current organization, role and environment.
// Read fresh from the database on every request, so removals and role changes apply at once.
import { cookies } from "next/headers";
import { cache } from "react";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import type { Environment, Role } from "@/lib/generated/prisma/client";

export const ORG_COOKIE = "gatehouse_org";
export const ENV_COOKIE = "gatehouse_env";

export type ConsoleUser = { id: string; email: string; name: string | null };
export type ConsoleContext = {
  user: ConsoleUser;
  org: { id: string; name: string };
  role: Role;
  environment: Environment;
  memberships: { orgId: string; orgName: string; role: Role }[];
};

/** The signed-in user, or null (no session, or the user no longer exists). */
export const getSessionUser = cache(async (): Promise<ConsoleUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true } });
});

/**
 * Resolves org and environment for a user: the requested org if they belong to it, else
 * their first. Null when they belong to none (e.g. removed from their only org).
 */
export async function resolveMembership(
  userId: string,
  requestedOrgId: string | undefined,
  requestedEnv: string | undefined,
) {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { org: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const current = memberships.find((m) => m.orgId === requestedOrgId) ?? memberships[0];
  if (!current) return null;
  return {
    org: current.org,
    role: current.role,
    environment: (requestedEnv === "live" ? "live" : "test") as Environment,
    memberships: memberships.map((m) => ({ orgId: m.orgId, orgName: m.org.name, role: m.role })),
  };
}

export const getConsoleContext = cache(async (): Promise<ConsoleContext | null> => {
  const user = await getSessionUser();
  if (!user) return null;
  const jar = await cookies();
  const m = await resolveMembership(user.id, jar.get(ORG_COOKIE)?.value, jar.get(ENV_COOKIE)?.value);
  return m ? { user, ...m } : null;
});
