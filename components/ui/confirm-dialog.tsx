"use client";

import * as React from "react";
import { toast } from "sonner";

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

type ConfirmDialogProps<T = unknown> = {
  /** The element that opens the dialog (rendered with asChild), e.g. a <Button>. */
  trigger?: React.ReactNode;
  title: React.ReactNode;
  description: React.ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  /** When set, the user must type this exact text before the confirm button is enabled. */
  confirmText?: string;
  /**
   * The mutation run on confirm, e.g. `() => revoke.mutateAsync()`. The dialog shows a spinner
   * and ignores further submits until it settles; on success it toasts `successMessage`, calls
   * `onSuccess` and closes; on failure it stays open with the error shown in it (an alert, so
   * screen readers announce it; no toast as well, which would announce it twice).
   */
  action: () => Promise<T>;
  /** Toasted when the action succeeds; a function gets the action's result. */
  successMessage: string | ((result: T) => string);
  /** Runs after a success, before the dialog closes (e.g. show a new secret, navigate away). */
  onSuccess?: (result: T) => void;
  /** Extra content between the description and the buttons (e.g. a grace-period select). */
  children?: React.ReactNode;
  /** Controlled mode, e.g. when opened from a dropdown menu item instead of a trigger. */
  open?: boolean;
  /** Uncontrolled, open from the start (a dialog whose code loaded when its trigger was clicked). */
  defaultOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
};

function ConfirmDialog<T>({
  trigger,
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  destructive = false,
  confirmText,
  action,
  successMessage,
  onSuccess,
  children,
  open: openProp,
  defaultOpen = false,
  onOpenChange,
}: ConfirmDialogProps<T>) {
  const [uncontrolledOpen, setUncontrolledOpen] = React.useState(defaultOpen);
  const open = openProp ?? uncontrolledOpen;
  const [typed, setTyped] = React.useState("");
  const [pending, setPending] = React.useState(false);
  // State lags a render behind: a second Enter pressed before React re-renders would still see
  // pending === false, so the guard against a double submit is a ref.
  const running = React.useRef(false);
  const [error, setError] = React.useState<string | null>(null);
  const inputId = React.useId();
  const confirmRef = React.useRef<HTMLButtonElement>(null);

  // The controls are disabled while the action runs, which drops focus to the dialog itself;
  // after a failure put it back on the confirm button, so trying again is one key press away.
  React.useEffect(() => {
    if (error && !pending) confirmRef.current?.focus();
  }, [error, pending]);

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
    if (!matches || running.current) return;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      const result = await action();
      toast.success(typeof successMessage === "function" ? successMessage(result) : successMessage);
      onSuccess?.(result);
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : "Something went wrong.");
    } finally {
      running.current = false;
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
              ref={confirmRef}
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
