"use client";
import { Building2, Check, ChevronsUpDown, LogOut, MonitorSmartphone, ShieldCheck, UserRound } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { switchEnvironment, switchOrganization } from "@/app/(console)/actions";
import { signOutAction } from "@/app/(auth)/actions";
import { ThemeToggle } from "@/components/theme-toggle";
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
  const queryReset = () => router.refresh();
  const [pending, start] = useTransition();

  return (
    <header className="flex h-14 items-center gap-3 border-b px-4 sm:px-6">
      <Link href="/settings/organization/general" className="flex items-center gap-2 font-semibold">
        <ShieldCheck className="size-5 text-primary" aria-hidden />
        <span className="hidden sm:inline">Gatehouse</span>
      </Link>
      <span className="text-muted-foreground" aria-hidden>
        /
      </span>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="sm" aria-label={`Organization: ${props.org.name}. Switch organization`}>
            <Building2 className="size-4" aria-hidden />
            <span className="max-w-48 truncate">{props.org.name}</span>
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
                  queryReset();
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

      <div role="radiogroup" aria-label="Environment" className="ml-1 inline-flex rounded-md border p-0.5 text-xs">
        {(["test", "live"] as const).map((env) => (
          <button
            key={env}
            type="button"
            role="radio"
            aria-checked={props.environment === env}
            disabled={pending}
            onClick={() =>
              start(async () => {
                await switchEnvironment(env);
                queryReset();
              })
            }
            className={cn(
              "rounded px-2.5 py-1 font-medium capitalize transition-colors focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
              props.environment === env
                ? env === "live"
                  ? "bg-emerald-600 text-white"
                  : "bg-amber-500 text-white"
                : "text-muted-foreground hover:bg-muted",
            )}
          >
            {env === "test" ? "Test" : "Live"}
          </button>
        ))}
      </div>

      <div className="ml-auto flex items-center gap-2">
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
    </header>
  );
}
