// Display names for roles, and which roles a member may hand out (only owners make owners).
import { hasRole, ROLES } from "@/lib/orgs/roles";
import type { MemberView } from "@/lib/validations/orgs";

export type Role = MemberView["role"];

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", developer: "Developer", viewer: "Viewer" };

export function assignableRoles(actorRole: Role): Role[] {
  return ROLES.filter((r) => r !== "owner" || hasRole(actorRole, "owner"));
}
