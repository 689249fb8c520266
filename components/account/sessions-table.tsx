"use client";
// The signed-in user's console sessions: where and when each was used; the others can be ended.
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";
import { useEndSession, useSessions } from "@/components/account/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { LoadError } from "@/components/ui/load-error";
import { LocalTime } from "@/components/ui/local-time";
import type { ConsoleSessionView } from "@/lib/validations/auth";

/** "Firefox on Linux" from a user agent, or the raw string when it is not a common browser. */
function describeAgent(ua: string | null): string {
  if (!ua) return "Unknown browser";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : null;
  if (!browser) return ua.slice(0, 80);
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsTable() {
  const sessions = useSessions();
  const end = useEndSession();

  const columns = useMemo<ColumnDef<ConsoleSessionView>[]>(
    () => [
      {
        id: "device",
        header: "Browser",
        accessorFn: (s) => describeAgent(s.user_agent),
        cell: ({ row: { original: s } }) => (
          <span className="font-medium" title={s.user_agent ?? undefined}>
            {describeAgent(s.user_agent)}
            {s.current ? (
              <Badge variant="secondary" className="ml-2">
                This session
              </Badge>
            ) : null}
          </span>
        ),
      },
      { accessorKey: "ip", header: "Address", cell: ({ getValue }) => <span className="font-mono text-xs">{String(getValue() ?? "unknown")}</span> },
      {
        accessorKey: "created_at",
        header: "Signed in",
        cell: ({ row: { original: s } }) => <LocalTime iso={s.created_at} format="datetime" className="whitespace-nowrap text-muted-foreground" />,
      },
      {
        accessorKey: "last_seen_at",
        header: "Last active",
        cell: ({ row: { original: s } }) => <LocalTime iso={s.last_seen_at} format="relative" className="whitespace-nowrap text-muted-foreground" />,
      },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row: { original: s } }) =>
          s.current ? null : (
            <div className="flex justify-end">
              <ConfirmDialog
                trigger={
                  <Button variant="ghost" size="sm" aria-label={`End session from ${s.ip ?? "unknown address"}, ${describeAgent(s.user_agent)}`}>
                    End session
                  </Button>
                }
                title="End this session?"
                description={`The browser signed in from ${s.ip ?? "an unknown address"} (${describeAgent(s.user_agent)}) is signed out on its next request.`}
                confirmLabel="End session"
                destructive
                action={() => end.mutateAsync(s.id)}
                successMessage="Session ended"
              />
            </div>
          ),
      },
    ],
    [end],
  );

  if (sessions.error) return <LoadError what="sessions" error={sessions.error} onRetry={() => void sessions.refetch()} />;
  return <DataTable label="Sessions" columns={columns} data={sessions.data ?? []} loading={sessions.isPending} getRowId={(s) => s.id} />;
}
