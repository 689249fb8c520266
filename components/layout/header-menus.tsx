"use client";
// The console header's interactive parts, each its own small client island (issue 14,
// Lighthouse): the header around them is a server component, and each island sits in its own
// Suspense boundary, so React hydrates them one by one in short tasks after the page shows
// instead of all of the header in one long task with the page. A click that lands on an island
// before it has hydrated is not lost: React hydrates that island first and replays the click.
import { Building2, Check, ChevronsUpDown, LogOut, Menu, MonitorSmartphone, UserRound } from "lucide-react";
import { RadioGroup } from "radix-ui";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { switchEnvironment, switchOrganization } from "@/lib/actions/console";
import { signOutAction } from "@/lib/actions/auth";
import { detailListOf } from "@/components/layout/console-paths";
import { SettingsNavGroups } from "@/components/layout/settings-shell";
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { cn } from "@/lib/utils";

type Environment = "test" | "live";

/** After an org or mode switch: a detail page's resource belongs to one mode (and org), so its list in the new one. */
function useAfterSwitch() {
  const router = useRouter();
  const pathname = usePathname();
  return () => {
    const list = detailListOf(pathname);
    if (list) router.push(list);
    else router.refresh();
  };
}

/** Below md the settings navigation lives in a sheet this button opens. */
export function MobileNav() {
  const [open, setOpen] = useState(false);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation">
          <Menu className="size-5" aria-hidden />
        </Button>
      </SheetTrigger>
      <SheetContent side="left" aria-describedby={undefined}>
        <SheetTitle className="px-3 pt-1">Navigation</SheetTitle>
        <SheetDescription className="sr-only">Organization and account settings</SheetDescription>
        <div className="grid gap-4">
          <SettingsNavGroups onNavigate={() => setOpen(false)} />
        </div>
      </SheetContent>
    </Sheet>
  );
}

export function OrganizationSwitcher({
  org,
  memberships,
}: {
  org: { id: string; name: string };
  memberships: { orgId: string; orgName: string; role: string }[];
}) {
  const afterSwitch = useAfterSwitch();
  const [, start] = useTransition();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" className="min-w-0 shrink px-2 sm:px-3" aria-label={`Organization: ${org.name}. Switch organization`}>
          <Building2 className="hidden size-4 sm:block" aria-hidden />
          <span className="max-w-20 truncate sm:max-w-48">{org.name}</span>
          <ChevronsUpDown className="size-3.5 opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-64">
        <DropdownMenuLabel>Organizations</DropdownMenuLabel>
        {memberships.map((m) => (
          <DropdownMenuItem
            key={m.orgId}
            onSelect={() =>
              start(async () => {
                await switchOrganization(m.orgId);
                afterSwitch();
              })
            }
          >
            <Check className={cn("size-4", m.orgId === org.id ? "opacity-100" : "opacity-0")} aria-hidden />
            <span className="flex-1 truncate">{m.orgName}</span>
            <span className="text-xs text-muted-foreground">{m.role}</span>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** One radio group, one tab stop: arrow keys move between Test and Live (and switch). */
export function EnvironmentSwitch({ environment }: { environment: Environment }) {
  const afterSwitch = useAfterSwitch();
  const [pending, start] = useTransition();
  const requested = useRef<Environment>(environment);
  useEffect(() => {
    requested.current = environment;
  }, [environment]);
  const switchTo = (env: Environment) => {
    if (requested.current === env) return; // already there, or on the way
    requested.current = env;
    start(async () => {
      await switchEnvironment(env);
      afterSwitch();
    });
  };
  // Arrow keys switch at once. Radix's radio checks the item it moves focus to only if the key is
  // still down when focus lands (after a timeout), which a quick press can miss; so the arrows
  // are handled here: focus the other item and switch to it (two items: any arrow is "the other").
  const onArrow = (e: React.KeyboardEvent<HTMLButtonElement>) => {
    if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
    e.preventDefault();
    const other = environment === "test" ? "live" : "test";
    e.currentTarget.parentElement?.querySelector<HTMLButtonElement>(`[data-env="${other}"]`)?.focus();
    switchTo(other);
  };
  return (
    <RadioGroup.Root
      aria-label="Environment"
      value={environment}
      onValueChange={(v) => switchTo(v === "live" ? "live" : "test")}
      disabled={pending}
      orientation="horizontal"
      loop
      className="inline-flex shrink-0 rounded-md border p-0.5 text-xs"
    >
      {(["test", "live"] as const).map((env) => (
        <RadioGroup.Item
          key={env}
          value={env}
          data-env={env}
          onKeyDown={onArrow}
          className={cn(
            "rounded px-2 py-1 font-medium transition-colors sm:px-2.5 focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
            environment === env
              ? env === "live"
                ? "bg-emerald-700 text-white"
                : "bg-amber-300 text-amber-950"
              : "text-muted-foreground hover:bg-muted",
          )}
        >
          {env === "test" ? "Test" : "Live"}
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
}

export function AccountMenu({ user, role }: { user: { email: string; name: string | null }; role: string }) {
  const [, start] = useTransition();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Account menu">
          <UserRound className="size-5" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel className="grid gap-0.5">
          <span className="truncate">{user.name ?? user.email}</span>
          <span className="truncate text-xs font-normal text-muted-foreground">{user.email}</span>
          <Badge variant="secondary" className="mt-1 w-fit capitalize">
            {role}
          </Badge>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/settings/account">
            <MonitorSmartphone className="size-4" aria-hidden />
            Sessions
          </Link>
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => start(() => signOutAction())}>
          <LogOut className="size-4" aria-hidden />
          Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
