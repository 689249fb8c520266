import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { ConsoleHeader } from "@/components/layout/console-header";
import { getConsoleContext, getSessionUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getConsoleContext();
  if (!ctx) {
    // Signed out, or no longer a member of any organization.
    if (await getSessionUser()) redirect("/no-organization");
    redirect(await signInPath());
  }
  return (
    <div className="flex min-h-dvh flex-col">
      {/* The first stop for keyboard users: past the header and the settings nav, to the page itself. */}
      <a
        href="#main"
        className="sr-only rounded-md bg-background px-3 py-2 text-sm font-medium shadow-md ring-2 ring-ring focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
      >
        Skip to content
      </a>
      <ConsoleHeader
        user={ctx.user}
        org={ctx.org}
        role={ctx.role}
        environment={ctx.environment}
        memberships={ctx.memberships}
      />
      <div className="flex-1">{children}</div>
    </div>
  );
}
