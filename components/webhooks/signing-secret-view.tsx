"use client";
// The view of an endpoint's new signing secret (after create and after rotate): the secret with a
// copy button, a warning, and snippets that verify a delivery in Node, Python, Go, Ruby and PHP
// with the Standard Webhooks libraries. The secret is stored encrypted; only admins can reveal
// it again, and each reveal is audited.
import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";
import { VerificationSnippets } from "@/components/webhooks/verification-snippets";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

export function SigningSecretView({
  name,
  secret,
  rotated = false,
  previousValidUntil,
}: {
  name: string;
  secret: string;
  rotated?: boolean;
  /** After a rotation with a grace period: until when the old secret still signs. */
  previousValidUntil?: string | null;
}) {
  return (
    <>
      <DialogHeader>
        <DialogTitle>Save your signing secret</DialogTitle>
        <DialogDescription>
          {rotated ? (
            <>
              A new signing secret for <span className="font-medium text-foreground">{name}</span>.
            </>
          ) : (
            <>
              <span className="font-medium text-foreground">{name}</span> is ready.
            </>
          )}{" "}
          Every delivery is signed with it (Standard Webhooks); your receiver checks the signature before trusting a
          request.
        </DialogDescription>
      </DialogHeader>
      <div role="note" className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
        <p>
          <strong className="font-semibold">Copy the signing secret now</strong> into your receiver&apos;s configuration
          or secret manager. Later, only admins can reveal it again on the endpoint&apos;s page (each reveal is
          recorded in the audit log); if it leaks, rotate it.
          {rotated && previousValidUntil ? " The previous secret keeps signing alongside it until the grace period ends." : null}
          {rotated && !previousValidUntil ? " The previous secret no longer signs deliveries." : null}
        </p>
      </div>
      <div className="grid min-w-0 gap-4">
        <CopyField label="Signing secret" value={secret} copyLabel="Copy signing secret" />
        <div className="grid min-w-0 gap-2">
          <p className="text-sm font-medium">Verify deliveries</p>
          <VerificationSnippets />
        </div>
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button>Done</Button>
        </DialogClose>
      </DialogFooter>
    </>
  );
}
