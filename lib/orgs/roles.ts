// Who may do what. Viewers see; developers manage webhooks; admins manage credentials and
// members; owners everything (including other owners).
import type { Role } from "@/lib/generated/prisma/client";

export const ROLES = ["owner", "admin", "developer", "viewer"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { viewer: 1, developer: 2, admin: 3, owner: 4 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including managing other owners",
  admin: "Manage credentials, members and webhooks",
  developer: "Manage webhooks and events; view everything else",
  viewer: "Read-only access",
};
