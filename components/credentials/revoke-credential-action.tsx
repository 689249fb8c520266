"use client";
// Revoke a credential, after typing its name: the same confirmation on its page and in the list.
import { ShieldOff } from "lucide-react";
import { useRevokeCredential, type Scoping } from "@/components/credentials/queries";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function RevokeCredentialAction({
  scoping,
  credential,
  compact = false,
}: {
  scoping: Scoping;
  credential: { id: string; name: string };
  /** An icon button for a table row, named "Revoke <name>" (and titled Revoke). */
  compact?: boolean;
}) {
  const revoke = useRevokeCredential(scoping, credential.id);
  return (
    <ConfirmDialog
      trigger={
        compact ? (
          <Button
            variant="ghost"
            size="icon-sm"
            className="text-destructive hover:text-destructive"
            aria-label={`Revoke ${credential.name}`}
            title="Revoke"
          >
            <ShieldOff aria-hidden />
          </Button>
        ) : (
          <Button variant="destructive">
            <ShieldOff aria-hidden />
            Revoke
          </Button>
        )
      }
      title={`Revoke ${credential.name}?`}
      description="Revocation is immediate and permanent: the client ID and secret stop working, and every access token issued with this credential is rejected on its next use. It cannot be undone."
      confirmLabel="Revoke credential"
      destructive
      confirmText={credential.name}
      action={() => revoke.mutateAsync()}
      successMessage={`${credential.name} revoked`}
    />
  );
}
