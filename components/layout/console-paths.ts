// Where a console path belongs: its list (for "Back to ...") and, for a detail page, the list to
// go to when the mode or organization changes under it.

/** The list a console path belongs to, with its name: a detail page's parent list, else General. */
export function listOf(pathname: string): { href: string; label: string } {
  if (pathname.startsWith("/settings/organization/webhooks/events")) return { href: "/settings/organization/webhooks/events", label: "events" };
  if (pathname.startsWith("/settings/organization/webhooks")) return { href: "/settings/organization/webhooks", label: "webhooks" };
  if (pathname.startsWith("/settings/organization/credentials")) return { href: "/settings/organization/credentials", label: "credentials" };
  if (pathname.startsWith("/settings/organization/members")) return { href: "/settings/organization/members", label: "members" };
  if (pathname.startsWith("/settings/organization/audit-log")) return { href: "/settings/organization/audit-log", label: "the audit log" };
  return { href: "/settings/organization/general", label: "settings" };
}

/** A detail page's list, when the path is one (e.g. /settings/organization/credentials/<id>). */
export function detailListOf(pathname: string): string | null {
  const m = /^\/settings\/organization\/(?:credentials|webhooks\/endpoints|webhooks\/events)\/[^/]+$/.exec(pathname);
  return m ? listOf(pathname).href : null;
}
