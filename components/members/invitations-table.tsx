"use client";
// Pending invitations (admins and owners only): who was invited, as what, until when; revoke.
import type { ColumnDef } from "@tanstack/react-table";
import { MailPlus } from "lucide-react";
import { useMemo } from "react";
import { formatDateTime } from "@/components/members/format";
import { LoadError } from "@/components/ui/load-error";
import { useInvitations, useRevokeInvitation } from "@/components/members/queries";
import { ROLE_LABELS } from "@/components/members/role-labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { InvitationView } from "@/lib/validations/orgs";

export function InvitationsTable({ orgId }: { orgId: string }) {
  const invitations = useInvitations(orgId);
  const revoke = useRevokeInvitation(orgId);

  const columns = useMemo<ColumnDef<InvitationView>[]>(
    () => [
      { accessorKey: "email", header: "Email", cell: ({ getValue }) => <span className="break-all">{String(getValue())}</span> },
      {
        accessorKey: "role",
        header: "Role",
        cell: ({ row: { original: i } }) => <Badge variant="secondary">{ROLE_LABELS[i.role]}</Badge>,
      },
      {
        accessorKey: "expires_at",
        header: "Expires",
        cell: ({ row: { original: i } }) => (
          <time dateTime={i.expires_at} className="whitespace-nowrap text-muted-foreground">
            {formatDateTime(i.expires_at)}
          </time>
        ),
      },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row: { original: i } }) => (
          <div className="flex justify-end">
            <ConfirmDialog
              trigger={
                <Button variant="ghost" size="sm" aria-label={`Revoke invitation for ${i.email}`}>
                  Revoke
                </Button>
              }
              title={`Revoke the invitation for ${i.email}?`}
              description="The invite link stops working at once. You can invite them again later."
              confirmLabel="Revoke invitation"
              destructive
              action={() => revoke.mutateAsync(i.id)}
              successMessage={`Invitation for ${i.email} revoked`}
            />
          </div>
        ),
      },
    ],
    [revoke],
  );

  if (invitations.error) {
    return <LoadError what="invitations" error={invitations.error} onRetry={() => void invitations.refetch()} />;
  }
  return (
    <DataTable
      label="Pending invitations"
      columns={columns}
      data={invitations.data ?? []}
      loading={invitations.isPending}
      getRowId={(i) => i.id}
      emptyState={
        <EmptyState
          icon={<MailPlus />}
          title="No pending invitations"
          description="Use Invite member to get a link for a colleague. It is listed here until it is used, revoked or expires."
        />
      }
    />
  );
}
