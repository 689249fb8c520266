"use server";
// Console-wide preferences: which organization and environment the admin is looking at.
import { cookies } from "next/headers";
import { ENV_COOKIE, ORG_COOKIE, getSessionUser, resolveMembership } from "@/lib/auth/session";

const COOKIE = { httpOnly: true, sameSite: "lax" as const, path: "/", maxAge: 60 * 60 * 24 * 365 };

export async function switchOrganization(orgId: string): Promise<void> {
  const user = await getSessionUser();
  if (!user) return;
  const m = await resolveMembership(user.id, orgId, undefined);
  if (m?.org.id === orgId) (await cookies()).set(ORG_COOKIE, orgId, COOKIE);
}

export async function switchEnvironment(environment: "test" | "live"): Promise<void> {
  (await cookies()).set(ENV_COOKIE, environment === "live" ? "live" : "test", COOKIE);
}
