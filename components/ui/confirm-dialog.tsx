"use client";

import * as React from "react";

import { cn } from "@/lib/utils";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";

type ConfirmDialogProps = {
  /** The element that opens the dialog (rendered with asChild), e.g. a <Button>. */
  trigger?: React.ReactNode;
  title: React.ReactNode;
  description: React.ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  /** When set, the user must type this exact text before the confirm button is enabled. */
  confirmText?: string;
  /** Runs on confirm; the dialog stays open with a spinner until it settles and closes on success. */
  onConfirm: () => Promise<void> | void;
  /** Extra content between the description and the buttons (e.g. a grace-period select). */
  children?: React.ReactNode;
  /** Controlled mode, e.g. when opened from a dropdown menu item instead of a trigger. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
};

function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  destructive = false,
  confirmText,
  onConfirm,
  children,
  open: openProp,
  onOpenChange,
}: ConfirmDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = React.useState(false);
  const open = openProp ?? uncontrolledOpen;
  const [typed, setTyped] = React.useState("");
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const inputId = React.useId();

  const setOpen = React.useCallback(
    (next: boolean) => {
      if (openProp === undefined) setUncontrolledOpen(next);
      onOpenChange?.(next);
      if (!next) {
        setTyped("");
        setError(null);
      }
    },
    [openProp, onOpenChange],
  );

  const matches = confirmText === undefined || typed === confirmText;

  async function confirm() {
    if (!matches || pending) return;
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : "Something went wrong.");
    } finally {
      setPending(false);
    }
  }

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        // Escape and Cancel must not close the dialog while the action is still running.
        if (!next && pending) return;
        setOpen(next);
      }}
    >
      {trigger ? <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger> : null}
      <AlertDialogContent
        onOpenAutoFocus={(event) => {
          // With a phrase to type, start in its input; otherwise Radix focuses Cancel.
          if (confirmText === undefined) return;
          event.preventDefault();
          document.getElementById(inputId)?.focus();
        }}
      >
        <form
          className="grid gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          <AlertDialogHeader>
            <AlertDialogTitle>{title}</AlertDialogTitle>
            <AlertDialogDescription>{description}</AlertDialogDescription>
          </AlertDialogHeader>
          {children}
          {confirmText !== undefined ? (
            <div className="grid gap-2">
              <Label htmlFor={inputId} className="block leading-normal font-normal">
                Type{" "}
                <span className="rounded bg-muted px-1 py-0.5 font-mono font-medium break-all">
                  {confirmText}
                </span>{" "}
                to confirm.
              </Label>
              <Input
                id={inputId}
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                autoComplete="off"
                autoCapitalize="off"
                autoCorrect="off"
                spellCheck={false}
                disabled={pending}
              />
            </div>
          ) : null}
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : null}
          <AlertDialogFooter>
            <AlertDialogCancel disabled={pending}>{cancelLabel}</AlertDialogCancel>
            <Button
              type="submit"
              variant={destructive ? "destructive" : "default"}
              disabled={!matches || pending}
              aria-busy={pending || undefined}
              className={cn(pending && "cursor-progress")}
            >
              {pending ? <Spinner label="Working" /> : null}
              {confirmLabel}
            </Button>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}

export { ConfirmDialog };
export type { ConfirmDialogProps };
