"use client";
// "Forgot password" without email: an owner makes a one-time link for a member and passes it on.
// The link is shown once (only its hash is stored) in the shared one-time dialog.
import { KeyRound } from "lucide-react";
import { useId, useState } from "react";
import { useCreatePasswordReset } from "@/components/members/queries";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { LocalTime } from "@/components/ui/local-time";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import type { PasswordResetView } from "@/lib/validations/orgs";

export function ResetPasswordAction({ member }: { member: { id: string; email: string } }) {
  const [link, setLink] = useState<PasswordResetView | null>(null);
  const create = useCreatePasswordReset();
  const noteId = useId();
  return (
    <OneTimeSecretDialog
      trigger={
        <Button variant="ghost" size="sm" aria-label={`Reset password of ${member.email}`} title="Reset password">
          <KeyRound aria-hidden />
          <span className="sr-only sm:not-sr-only">Reset password</span>
        </Button>
      }
      secret={link}
      busy={create.isPending}
      onDiscard={() => {
        setLink(null);
        create.reset();
      }}
      render={(r) => (
        <>
          <DialogHeader>
            <DialogTitle>Password reset link</DialogTitle>
            <DialogDescription>Send this link to {r.email} yourself: no email is sent.</DialogDescription>
          </DialogHeader>
          <CopyField label="Reset link" value={r.reset_url} copyLabel="Copy reset link" describedBy={noteId} />
          <p id={noteId} className="text-sm text-muted-foreground">
            It sets a new password once and works until <LocalTime iso={r.expires_at} format="datetime" />. Using it signs {r.email} out
            everywhere. It is shown only now; make a new one if it is lost (that voids this one).
          </p>
          <DialogFooter>
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </DialogFooter>
        </>
      )}
    >
      <DialogHeader>
        <DialogTitle>Reset the password of {member.email}?</DialogTitle>
        <DialogDescription>
          This makes a one-time link for you to pass on. Their current password keeps working until the link is used.
        </DialogDescription>
      </DialogHeader>
      {create.error ? (
        <p role="alert" className="text-sm text-destructive">
          {create.error.message}
        </p>
      ) : null}
      <FormDialogFooter pending={create.isPending} submitLabel="Create reset link" onSubmit={() => create.mutate(member.id, { onSuccess: setLink })} />
    </OneTimeSecretDialog>
  );
}
