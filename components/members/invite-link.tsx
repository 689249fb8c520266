"use client";
// The one-time view of a new invitation's link: it is never shown again (only its hash is stored).
import { useId } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export function InviteLink({ url, email }: { url: string; email: string }) {
  const id = useId();
  return (
    <div className="grid gap-3">
      <div className="grid gap-2">
        <Label htmlFor={id}>Invite link</Label>
        <div className="flex items-center gap-2">
          <Input
            id={id}
            value={url}
            readOnly
            className="font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
            aria-describedby={`${id}-note`}
          />
          <CopyButton value={url} label="Copy invite link" variant="outline" size="icon" />
        </div>
      </div>
      <p id={`${id}-note`} className="text-sm text-muted-foreground">
        The link works once and expires in 7 days. No email is sent: send it to{" "}
        <span className="font-medium text-foreground">{email}</span> yourself. It is shown only now; if it is lost,
        invite again to get a new one.
      </p>
    </div>
  );
}
