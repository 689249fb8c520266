"use client";
// "Invite member": email and role, then the one-time invite link in the same dialog.
import { zodResolver } from "@hookform/resolvers/zod";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { showApiError } from "@/components/forms/api-field-errors";
import { TextField } from "@/components/forms/text-field";
import { SelectField } from "@/components/forms/select-field";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { InviteLink } from "@/components/members/invite-link";
import { useCreateInvitation } from "@/components/members/queries";
import { assignableRoles, ROLE_LABELS, type Role } from "@/components/members/role-labels";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Form } from "@/components/ui/form";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { ROLE_DESCRIPTIONS } from "@/lib/orgs/roles";
import { createInvitationSchema, type CreateInvitationInput, type InvitationView } from "@/lib/validations/orgs";

type Values = z.input<typeof createInvitationSchema>;

export function InviteMemberDialog({ orgId, actorRole }: { orgId: string; actorRole: Role }) {
  const [created, setCreated] = useState<InvitationView | null>(null);
  const form = useForm<Values, unknown, CreateInvitationInput>({
    resolver: zodResolver(createInvitationSchema),
    defaultValues: { email: "", role: "developer" },
  });
  const create = useCreateInvitation(orgId);

  // The link is shown once; closing forgets it.
  function discard() {
    setCreated(null);
    form.reset();
    create.reset();
  }

  const onSubmit = form.handleSubmit((values) =>
    create.mutate(values, {
      onSuccess: (inv) => {
        setCreated(inv);
        toast.success(`Invitation created for ${inv.email}`);
      },
      onError: (err) => showApiError(form.setError, err, { fields: ["email", "role"] }),
    }),
  );

  return (
    <OneTimeSecretDialog
      trigger={
        <Button>
          <UserPlus aria-hidden />
          Invite member
        </Button>
      }
      className="sm:max-w-lg"
      secret={created?.invite_url ? { ...created, invite_url: created.invite_url } : null}
      onDiscard={discard}
      busy={create.isPending}
      render={(created) => (
          <>
            <DialogHeader>
              <DialogTitle>Invitation created</DialogTitle>
              <DialogDescription>
                Send this link to {created.email}. They join as {ROLE_LABELS[created.role].toLowerCase()}.
              </DialogDescription>
            </DialogHeader>
            <InviteLink url={created.invite_url} email={created.email} />
            <DialogFooter>
              <DialogClose asChild>
                <Button>Done</Button>
              </DialogClose>
            </DialogFooter>
          </>
      )}
    >
          <Form {...form}>
            <form onSubmit={onSubmit} noValidate className="grid gap-4">
              <DialogHeader>
                <DialogTitle>Invite member</DialogTitle>
                <DialogDescription>
                  No email is sent: this creates an invite link for you to pass on. It works once and expires in 7
                  days.
                </DialogDescription>
              </DialogHeader>
              <TextField
                control={form.control}
                name="email"
                label="Email"
                type="email"
                autoComplete="off"
                placeholder="colleague@example.com"
                autoFocus
              />
              <SelectField
                control={form.control}
                name="role"
                label="Role"
                options={assignableRoles(actorRole).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
                description={(r) => `${ROLE_DESCRIPTIONS[r as Role]}.`}
              />
              <FormDialogFooter pending={create.isPending} submitLabel="Create invite link" />
            </form>
          </Form>
    </OneTimeSecretDialog>
  );
}
