"use client";
// "Invite member": email and role, then the one-time invite link in the same dialog.
import { zodResolver } from "@hookform/resolvers/zod";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { InviteLink } from "@/components/members/invite-link";
import { useCreateInvitation } from "@/components/members/queries";
import { assignableRoles, ROLE_LABELS, type Role } from "@/components/members/role-labels";
import { Button } from "@/components/ui/button";
import {
  DialogClose,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { ApiError } from "@/lib/api/fetch-api";
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
      onError: (err) => {
        if (err instanceof ApiError && err.errors?.length) {
          applyFieldErrors(form.setError, Object.fromEntries(err.errors.map((e) => [e.field, e.message])));
        }
        toast.error(err.message);
      },
    }),
  );

  const role = form.watch("role") ?? "developer";

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
              <FormField
                control={form.control}
                name="role"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Role</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange} name={field.name}>
                      <FormControl>
                        <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        {assignableRoles(actorRole).map((r) => (
                          <SelectItem key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </SelectItem>
                        ))}
                      </SelectContent>
                    </Select>
                    <FormDescription>{ROLE_DESCRIPTIONS[role]}.</FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <DialogFooter>
                <DialogClose asChild>
                  <Button type="button" variant="outline" disabled={create.isPending}>
                    Cancel
                  </Button>
                </DialogClose>
                <Button type="submit" disabled={create.isPending} aria-busy={create.isPending || undefined}>
                  {create.isPending ? <Spinner /> : null}
                  Create invite link
                </Button>
              </DialogFooter>
            </form>
          </Form>
    </OneTimeSecretDialog>
  );
}
