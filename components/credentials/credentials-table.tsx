"use client";
// The credentials of the current environment, newest first, a page at a time, filtered by status
// (All, Active, Revoked, Expired: of the pages loaded). A row opens the credential's detail page
// (click, Enter or Space); admins revoke from the row, with the same confirmation as the page.
import type { ColumnDef } from "@tanstack/react-table";
import { AlertCircle, KeyRound } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ToggleGroup } from "radix-ui";
import { useMemo, useState } from "react";
import { CredentialStatusBadge, ScopeBadges } from "@/components/credentials/credential-badges";
import { CreateCredentialDialog } from "@/components/credentials/lazy";
import { LocalTime } from "@/components/ui/local-time";
import { useCredentials, type Scoping } from "@/components/credentials/queries";
import { RevokeCredentialAction } from "@/components/credentials/revoke-credential-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import type { CredentialView } from "@/lib/validations/credentials";
import { Truncate } from "@/components/ui/truncate";

export const CREDENTIALS_PATH = "/settings/organization/credentials";

const never = <span className="text-muted-foreground">Never</span>;

type StatusFilter = "all" | CredentialView["status"];
const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "revoked", label: "Revoked" },
  { value: "expired", label: "Expired" },
];

export function CredentialsTable({ scoping, canManage }: { scoping: Scoping; canManage: boolean }) {
  const router = useRouter();
  const list = useCredentials(scoping);
  const [filter, setFilter] = useState<StatusFilter>("all");
  const all = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const rows = useMemo(() => (filter === "all" ? all : all.filter((c) => c.status === filter)), [all, filter]);

  const columns = useMemo<ColumnDef<CredentialView>[]>(
    () => [
      {
        accessorKey: "name",
        header: "Name",
        cell: ({ row: { original: c } }) => (
          <Link
            href={`${CREDENTIALS_PATH}/${encodeURIComponent(c.id)}`}
            prefetch={false} // a row per item: prefetching each detail page on every load costs more than it saves
            className="block max-w-[14rem] truncate font-medium underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none focus-visible:whitespace-normal focus-visible:break-all"
            title={c.name}
          >
            {c.name}
          </Link>
        ),
      },
      {
        accessorKey: "client_id",
        header: "Client ID",
        meta: { priority: 2 },
        cell: ({ row: { original: c } }) => (
          <span className="flex items-center gap-1">
            {/* Long ids are cut visually (the full id stays in the text, the title and the copy button). */}
            <Truncate as="code" value={c.client_id} className="block max-w-[8rem] font-mono text-xs" />
            <CopyButton value={c.client_id} label={`Copy client ID of ${c.name}`} />
          </span>
        ),
      },
      {
        id: "scopes",
        header: "Scopes",
        meta: { priority: 2 },
        cell: ({ row: { original: c } }) => <ScopeBadges scopes={c.scopes} max={1} />,
      },
      {
        accessorKey: "created_at",
        header: "Created",
        // The first to give way: the credential's page has it, and Status and Revoke must fit.
        meta: { priority: 4 },
        cell: ({ row: { original: c } }) => (
          <LocalTime iso={c.created_at} className="whitespace-nowrap text-muted-foreground" />
        ),
      },
      {
        accessorKey: "expires_at",
        header: "Expires",
        meta: { priority: 3 },
        cell: ({ row: { original: c } }) =>
          c.expires_at ? <LocalTime iso={c.expires_at} className="whitespace-nowrap text-muted-foreground" /> : never,
      },
      {
        accessorKey: "last_used_at",
        header: "Last used",
        meta: { priority: 2 },
        cell: ({ row: { original: c } }) =>
          c.last_used_at ? (
            <LocalTime iso={c.last_used_at} format="relative" className="whitespace-nowrap text-muted-foreground" />
          ) : (
            never
          ),
      },
      {
        accessorKey: "status",
        header: "Status",
        cell: ({ row: { original: c } }) => <CredentialStatusBadge status={c.status} />,
      },
      ...(canManage
        ? [
            {
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: ({ row: { original: c } }) =>
                c.status === "revoked" ? null : (
                  <div className="flex justify-end">
                    <RevokeCredentialAction scoping={scoping} credential={c} compact />
                  </div>
                ),
            } satisfies ColumnDef<CredentialView>,
          ]
        : []),
    ],
    [canManage, scoping],
  );

  if (list.error && !list.data) {
    return (
      <div
        role="alert"
        className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-destructive/30 bg-destructive/5 px-4 py-3 text-sm"
      >
        <p className="flex items-center gap-2 text-destructive">
          <AlertCircle className="size-4 shrink-0" aria-hidden />
          Could not load credentials: {list.error.message}
        </p>
        <Button variant="outline" size="sm" onClick={() => void list.refetch()}>
          Try again
        </Button>
      </div>
    );
  }

  return (
    <div className="grid gap-3">
      <ToggleGroup.Root
        type="single"
        value={filter}
        onValueChange={(v) => v && setFilter(v as StatusFilter)}
        aria-label="Filter credentials by status"
        className="inline-flex w-fit rounded-md border p-0.5 text-sm"
      >
        {FILTERS.map((f) => (
          <ToggleGroup.Item
            key={f.value}
            value={f.value}
            className="rounded px-3 py-1 text-muted-foreground transition-colors hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none data-[state=on]:bg-muted data-[state=on]:font-medium data-[state=on]:text-foreground"
          >
            {f.label}
          </ToggleGroup.Item>
        ))}
      </ToggleGroup.Root>
      <DataTable
        label="Credentials"
        columns={columns}
        data={rows}
        loading={list.isPending}
        getRowId={(c) => c.id}
        onRowClick={(c) => router.push(`${CREDENTIALS_PATH}/${encodeURIComponent(c.id)}`)}
        emptyState={
          filter !== "all" && all.length > 0 ? (
            <EmptyState
              icon={<KeyRound />}
              title={`No ${filter} credentials`}
              description={list.hasNextPage ? "None among those loaded; load more to look further." : "Choose All to see every credential."}
            />
          ) : (
          <EmptyState
            icon={<KeyRound />}
            title="No credentials yet"
            description={
              <>
                A credential lets one of your backend services call the API. The service exchanges its client ID and
                secret for a short-lived access token at <code className="font-mono text-xs">/oauth/token</code> and
                sends that token with each request.
                {canManage ? null : " Admins and owners create credentials."}
              </>
            }
            action={canManage ? <CreateCredentialDialog scoping={scoping} /> : undefined}
          />
          )
        }
      />
      {list.hasNextPage ? (
        <Button
          variant="outline"
          className="justify-self-center"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? <Spinner /> : null}
          Load more
        </Button>
      ) : null}
    </div>
  );
}
