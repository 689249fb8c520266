"use client";
// The member list: everyone sees it; admins and owners change roles and remove members here.
import type { ColumnDef } from "@tanstack/react-table";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { toast } from "sonner";
import { formatDate } from "@/components/members/format";
import { LoadError } from "@/components/ui/load-error";
import { useChangeMemberRole, useMembers, useRemoveMember } from "@/components/members/queries";
import { ResetPasswordAction } from "@/components/members/reset-password-action";
import { assignableRoles, ROLE_LABELS, type Role } from "@/components/members/role-labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { hasRole } from "@/lib/orgs/roles";
import type { MemberView } from "@/lib/validations/orgs";

type Props = { orgId: string; orgName: string; currentUserId: string; actorRole: Role };

export function MembersTable({ orgId, orgName, currentUserId, actorRole }: Props) {
  const router = useRouter();
  const members = useMembers(orgId);
  const changeRole = useChangeMemberRole(orgId);
  const remove = useRemoveMember(orgId);
  const canManage = hasRole(actorRole, "admin");
  const isOwner = hasRole(actorRole, "owner");

  const ownerCount = (members.data ?? []).filter((m) => m.role === "owner").length;

  const columns = useMemo<ColumnDef<MemberView>[]>(() => {
    const cols: ColumnDef<MemberView>[] = [
      {
        id: "name",
        header: "Name",
        accessorFn: (m) => m.name ?? "",
        cell: ({ row: { original: m } }) => (
          <span className="font-medium">
            {m.name || <span className="text-muted-foreground">No name</span>}
            {m.user_id === currentUserId ? <span className="ml-1.5 font-normal text-muted-foreground">(you)</span> : null}
          </span>
        ),
      },
      { accessorKey: "email", header: "Email", cell: ({ getValue }) => <span className="break-all">{String(getValue())}</span> },
      {
        accessorKey: "role",
        header: "Role",
        cell: ({ row: { original: m } }) => {
          // Admins cannot touch owners; only owners grant or take away the owner role. The last
          // owner cannot be demoted (the server refuses), so no role menu is offered for them.
          const lastOwner = m.role === "owner" && ownerCount === 1;
          const editable = canManage && (m.role !== "owner" || isOwner) && !lastOwner;
          if (!editable) return <Badge variant="secondary">{ROLE_LABELS[m.role]}</Badge>;
          const pending = changeRole.isPending && changeRole.variables?.id === m.id;
          return (
            <Select
              value={m.role}
              disabled={pending}
              onValueChange={(role) =>
                changeRole.mutate(
                  { id: m.id, role: role as Role },
                  {
                    onSuccess: () => {
                      toast.success("Role updated");
                      // Your own role decides what this page (and the header) offers.
                      if (m.user_id === currentUserId) router.refresh();
                    },
                    onError: (err) => toast.error(err.message),
                  },
                )
              }
            >
              <SelectTrigger size="sm" className="w-32" aria-label={`Role for ${m.email}`}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {assignableRoles(actorRole).map((r) => (
                  <SelectItem key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          );
        },
      },
      {
        accessorKey: "created_at",
        header: "Joined",
        cell: ({ row: { original: m } }) => (
          <time dateTime={m.created_at} className="whitespace-nowrap text-muted-foreground">
            {formatDate(m.created_at)}
          </time>
        ),
      },
    ];
    if (canManage) {
      cols.push({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row: { original: m } }) => {
          if (m.role === "owner" && !isOwner) return null;
          const self = m.user_id === currentUserId;
          // Owners make one-time password reset links for the others (no email needed).
          const reset = isOwner && !self ? <ResetPasswordAction member={m} /> : null;
          // The last owner can neither leave nor be removed (the server refuses), so offering
          // Remove would only lead to an error; make someone else an owner first.
          if (m.role === "owner" && ownerCount === 1) return reset ? <div className="flex justify-end">{reset}</div> : null;
          return (
            <div className="flex justify-end gap-1">
              {reset}
              <ConfirmDialog
                trigger={
                  <Button variant="ghost" size="sm" aria-label={`Remove ${m.email}`}>
                    Remove
                  </Button>
                }
                title={self ? "Leave this organization?" : `Remove ${m.name || m.email}?`}
                description={
                  self
                    ? `You will lose access to ${orgName} at once. Another admin has to invite you to come back.`
                    : `${m.email} loses access to ${orgName} at once. Credentials and webhooks they created stay.`
                }
                confirmLabel="Remove member"
                destructive
                action={() => remove.mutateAsync(m.id)}
                successMessage={`Removed ${m.email}`}
                onSuccess={self ? () => router.refresh() : undefined}
              />
            </div>
          );
        },
      });
    }
    return cols;
  }, [canManage, isOwner, ownerCount, currentUserId, orgName, actorRole, changeRole, remove, router]);

  if (members.error) return <LoadError what="members" error={members.error} onRetry={() => void members.refetch()} />;
  return (
    <DataTable
      label="Members"
      columns={columns}
      data={members.data ?? []}
      loading={members.isPending}
      getRowId={(m) => m.id}
    />
  );
}
