// The console header: a server component (issue 14, Lighthouse). Its text, the logo link and the
// test-mode banner need no script; the menus, the mode switch, the bell and the theme toggle are
// client islands (header-menus.tsx), each in its own Suspense boundary so that React hydrates
// them separately, in short tasks after the page shows, not with the page in one long task.
import { ShieldCheck } from "lucide-react";
import Link from "next/link";
import { Suspense } from "react";
import { AccountMenu, EnvironmentSwitch, MobileNav, OrganizationSwitcher } from "@/components/layout/header-menus";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { ThemeToggle } from "@/components/theme-toggle";

type Props = {
  user: { email: string; name: string | null };
  org: { id: string; name: string };
  role: string;
  environment: "test" | "live";
  memberships: { orgId: string; orgName: string; role: string }[];
};

export function ConsoleHeader(props: Props) {
  return (
    <header className="border-b">
      <div className="flex h-14 items-center gap-1 px-2 sm:gap-3 sm:px-6">
        <Suspense>
          <MobileNav />
        </Suspense>
        <Link
          href="/settings/organization/general"
          prefetch={false} // as the side navigation's links (settings-nav.tsx)
          aria-label="Gatehouse"
          className="flex items-center gap-2 rounded-sm font-semibold focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
        >
          <ShieldCheck className="size-5 text-primary" aria-hidden />
          <span className="hidden sm:inline">Gatehouse</span>
        </Link>
        <span className="hidden text-muted-foreground sm:inline" aria-hidden>
          /
        </span>
        <Suspense>
          <OrganizationSwitcher org={props.org} memberships={props.memberships} />
        </Suspense>
        <Suspense>
          <EnvironmentSwitch environment={props.environment} />
        </Suspense>
        <div className="ml-auto flex items-center gap-1 sm:gap-2">
          <Suspense>
            <NotificationBell scope={{ orgId: props.org.id, environment: props.environment }} />
          </Suspense>
          <Suspense>
            <ThemeToggle />
          </Suspense>
          <Suspense>
            <AccountMenu user={props.user} role={props.role} />
          </Suspense>
        </div>
      </div>
      {/* Inside the banner landmark, so it is announced with the header. */}
      {props.environment === "live" ? null : (
        <p className="border-t border-amber-300/60 bg-amber-50 px-6 py-1.5 text-center text-xs text-amber-950 dark:border-amber-500/30 dark:bg-amber-950/40 dark:text-amber-100">
          You are in <strong>test mode</strong>: credentials, endpoints and events here are separate from live.
        </p>
      )}
    </header>
  );
}
