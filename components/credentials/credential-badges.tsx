// Status and scope badges shared by the list and the detail view.
import { Badge } from "@/components/ui/badge";
import type { CredentialView } from "@/lib/validations/credentials";

const STATUS: Record<CredentialView["status"], { label: string; variant: "success" | "destructive" | "warning" }> = {
  active: { label: "Active", variant: "success" },
  revoked: { label: "Revoked", variant: "destructive" },
  expired: { label: "Expired", variant: "warning" },
};

export function CredentialStatusBadge({ status }: { status: CredentialView["status"] }) {
  const s = STATUS[status];
  return <Badge variant={s.variant}>{s.label}</Badge>;
}

/** The first `max` scopes as badges, then "+N" naming the rest in its title. */
export function ScopeBadges({ scopes, max = 2 }: { scopes: string[]; max?: number }) {
  const shown = scopes.slice(0, max);
  const rest = scopes.slice(max);
  return (
    <span className="flex flex-wrap items-center gap-1">
      {shown.map((s) => (
        <Badge key={s} variant="secondary" className="font-mono">
          {s}
        </Badge>
      ))}
      {rest.length ? (
        <Badge variant="outline" title={rest.join(", ")} aria-label={`and ${rest.length} more: ${rest.join(", ")}`}>
          +{rest.length}
        </Badge>
      ) : null}
    </span>
  );
}

export const TOKEN_LIFETIMES = [
  { seconds: 300, label: "5 minutes" },
  { seconds: 900, label: "15 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 21600, label: "6 hours" },
  { seconds: 86400, label: "24 hours" },
] as const;

export function lifetimeLabel(seconds: number): string {
  const known = TOKEN_LIFETIMES.find((l) => l.seconds === seconds);
  if (known) return known.label;
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
