"use client";
// The one-time view of a new invitation's link: it is never shown again (only its hash is stored).
import { useId } from "react";
import { CopyField } from "@/components/ui/copy-field";

export function InviteLink({ url, email }: { url: string; email: string }) {
  const id = useId();
  return (
    <div className="grid gap-3">
      <CopyField label="Invite link" value={url} copyLabel="Copy invite link" describedBy={`${id}-note`} />
      <p id={`${id}-note`} className="text-sm text-muted-foreground">
        The link works once and expires in 7 days. No email is sent: send it to{" "}
        <span className="font-medium text-foreground">{email}</span> yourself. It is shown only now; if it is lost,
        invite again to get a new one.
      </p>
    </div>
  );
}
