"use client";
// The one "create, then show the secret once" dialog (credentials, endpoints, invitations,
// password reset links, regenerated secrets): a form, then in the same dialog the value that is
// shown only now. Once it is shown, a stray click outside does not close the dialog, and
// closing it in any way calls onDiscard so the page drops every copy it holds. While the
// request runs, the dialog cannot be closed (the answer would be lost).
import { useState } from "react";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { cn } from "@/lib/utils";

type Props<T> = {
  /** Opens the dialog (uncontrolled). Leave out and pass `open` to open it from elsewhere. */
  trigger?: React.ReactNode;
  /** Opened when first shown (uncontrolled), e.g. after its code was loaded on a click (lazyOnOpen). */
  defaultOpen?: boolean;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** What was created, with its secret; null while the form is shown. */
  secret: T | null;
  /** Called when the dialog closes: forget the secret, reset the form and the mutation. */
  onDiscard: () => void;
  /** A request is running: closing is refused. */
  busy?: boolean;
  className?: string;
  /** The form (or confirmation) shown before anything is created. */
  children?: React.ReactNode;
  /** The one-time view of the secret. */
  render: (secret: T) => React.ReactNode;
};

export function OneTimeSecretDialog<T>({ trigger, defaultOpen = false, open, onOpenChange, secret, onDiscard, busy, className, children, render }: Props<T>) {
  const [ownOpen, setOwnOpen] = useState(defaultOpen);
  function change(next: boolean) {
    if (busy) return;
    if (open === undefined) setOwnOpen(next);
    onOpenChange?.(next);
    if (!next) onDiscard();
  }
  return (
    <Dialog open={open ?? ownOpen} onOpenChange={change}>
      {trigger ? <DialogTrigger asChild>{trigger}</DialogTrigger> : null}
      <DialogContent
        className={cn("sm:max-w-xl", className)}
        // A stray click outside must not throw away a secret that is shown only once.
        onInteractOutside={secret ? (e) => e.preventDefault() : undefined}
      >
        {secret ? render(secret) : children}
      </DialogContent>
    </Dialog>
  );
}
