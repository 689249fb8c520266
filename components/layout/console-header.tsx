"use client";
import { Building2, Check, ChevronsUpDown, LogOut, Menu, MonitorSmartphone, ShieldCheck, UserRound } from "lucide-react";
import { RadioGroup } from "radix-ui";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { switchEnvironment, switchOrganization } from "@/lib/actions/console";
import { signOutAction } from "@/lib/actions/auth";
import { detailListOf } from "@/components/layout/console-paths";
import { SettingsNavGroups } from "@/components/layout/settings-shell";
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { ThemeToggle } from "@/components/theme-toggle";
import { NotificationBell } from "@/components/notifications/notification-bell";
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

type Props = {
  user: { email: string; name: string | null };
  org: { id: string; name: string };
  role: string;
  environment: "test" | "live";
  memberships: { orgId: string; orgName: string; role: string }[];
};

export function ConsoleHeader(props: Props) {
  const router = useRouter();
  const pathname = usePathname();
  // A detail page's resource belongs to one mode (and org): after a switch, its list in the new one.
  const afterSwitch = () => {
    const list = detailListOf(pathname);
    if (list) router.push(list);
    else router.refresh();
  };
  const [pending, start] = useTransition();

  const [menuOpen, setMenuOpen] = useState(false);
  const requested = useRef<"test" | "live">(props.environment);
  useEffect(() => {
    requested.current = props.environment;
  }, [props.environment]);
  const switchTo = (env: "test" | "live") => {
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
    const other = props.environment === "test" ? "live" : "test";
    e.currentTarget.parentElement?.querySelector<HTMLButtonElement>(`[data-env="${other}"]`)?.focus();
    switchTo(other);
  };

  return (
    <header className="border-b">
      <div className="flex h-14 items-center gap-1 px-2 sm:gap-3 sm:px-6">
      {/* Below md the settings navigation lives in a sheet this button opens. */}
      <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
        <SheetTrigger asChild>
          <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation">
            <Menu className="size-5" aria-hidden />
          </Button>
        </SheetTrigger>
        <SheetContent side="left" aria-describedby={undefined}>
          <SheetTitle className="px-3 pt-1">Navigation</SheetTitle>
          <SheetDescription className="sr-only">Organization and account settings</SheetDescription>
          <div className="grid gap-4">
            <SettingsNavGroups onNavigate={() => setMenuOpen(false)} />
          </div>
        </SheetContent>
      </Sheet>
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
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="sm" className="min-w-0 shrink px-2 sm:px-3" aria-label={`Organization: ${props.org.name}. Switch organization`}>
            <Building2 className="hidden size-4 sm:block" aria-hidden />
            <span className="max-w-20 truncate sm:max-w-48">{props.org.name}</span>
            <ChevronsUpDown className="size-3.5 opacity-60" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-64">
          <DropdownMenuLabel>Organizations</DropdownMenuLabel>
          {props.memberships.map((m) => (
            <DropdownMenuItem
              key={m.orgId}
              onSelect={() =>
                start(async () => {
                  await switchOrganization(m.orgId);
                  afterSwitch();
                })
              }
            >
              <Check className={cn("size-4", m.orgId === props.org.id ? "opacity-100" : "opacity-0")} aria-hidden />
              <span className="flex-1 truncate">{m.orgName}</span>
              <span className="text-xs text-muted-foreground">{m.role}</span>
            </DropdownMenuItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>

      {/* One radio group, one tab stop: arrow keys move between Test and Live (and switch). */}
      <RadioGroup.Root
        aria-label="Environment"
        value={props.environment}
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
              props.environment === env
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

      <div className="ml-auto flex items-center gap-1 sm:gap-2">
        <NotificationBell scope={{ orgId: props.org.id, environment: props.environment }} />
        <ThemeToggle />
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button variant="ghost" size="icon" aria-label="Account menu">
              <UserRound className="size-5" aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end" className="w-64">
            <DropdownMenuLabel className="grid gap-0.5">
              <span className="truncate">{props.user.name ?? props.user.email}</span>
              <span className="truncate text-xs font-normal text-muted-foreground">{props.user.email}</span>
              <Badge variant="secondary" className="mt-1 w-fit capitalize">
                {props.role}
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
