"use client";
import { Building2, KeyRound, ListChecks, MonitorSmartphone, Radio, ScrollText, Users, Webhook } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const BASE = "/settings/organization";
export const SETTINGS_LINKS = [
  { href: `${BASE}/general`, label: "General", icon: Building2 },
  { href: `${BASE}/members`, label: "Members", icon: Users },
  { href: `${BASE}/credentials`, label: "Credentials", icon: KeyRound },
  { href: `${BASE}/webhooks`, label: "Webhooks", icon: Webhook },
  { href: `${BASE}/webhooks/deliveries`, label: "Deliveries", icon: ListChecks },
  { href: `${BASE}/webhooks/events`, label: "Events", icon: Radio },
  { href: `${BASE}/audit-log`, label: "Audit log", icon: ScrollText },
];

export const ACCOUNT_LINKS = [{ href: "/settings/account", label: "Sessions", icon: MonitorSmartphone }];

export function SettingsNav({
  links = SETTINGS_LINKS,
  label = "Organization settings",
  onNavigate,
}: {
  links?: typeof SETTINGS_LINKS;
  label?: string;
  /** Called when a link is followed (the menu sheet closes). */
  onNavigate?: () => void;
}) {
  const pathname = usePathname();
  // The most specific link that holds the page is the current one (Deliveries, not also Webhooks).
  const current = links
    .filter(({ href }) => pathname === href || pathname.startsWith(href + "/"))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <nav aria-label={label} className="flex flex-col gap-1">
      {links.map(({ href, label, icon: Icon }) => {
        const active = href === current;
        return (
          <Link
            key={href}
            href={href}
            // Not prefetched: every console page is dynamic and has no loading.js, so a prefetch
            // brings only the route tree, at the price of two server renders per link on every
            // page load (16 requests beside the page's own); a click fetches the page anyway.
            prefetch={false}
            aria-current={active ? "page" : undefined}
            onClick={onNavigate}
            className={cn(
              "flex items-center gap-2 rounded-md px-3 py-2 text-sm whitespace-nowrap transition-colors focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
              active ? "bg-muted font-medium text-foreground" : "text-muted-foreground hover:bg-muted/60 hover:text-foreground",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
