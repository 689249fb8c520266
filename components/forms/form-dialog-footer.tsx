"use client";
// The footer of every form dialog: Cancel, then the submit button, both held while the request
// runs (a spinner says so, and the dialog refuses to close meanwhile).
import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";

export function FormDialogFooter({
  pending,
  submitLabel,
  pendingLabel,
  disabled,
  onSubmit,
}: {
  pending: boolean;
  submitLabel: string;
  /** What the spinner says while the request runs ("Creating"). */
  pendingLabel?: string;
  /** Submitting makes no sense yet (nothing chosen). */
  disabled?: boolean;
  /** For a dialog without a <form>: the action of the button. */
  onSubmit?: () => void;
}) {
  return (
    <DialogFooter>
      <DialogClose asChild>
        <Button type="button" variant="outline" disabled={pending}>
          Cancel
        </Button>
      </DialogClose>
      <Button type={onSubmit ? "button" : "submit"} onClick={onSubmit} disabled={pending || disabled} aria-busy={pending || undefined}>
        {pending ? <Spinner label={pendingLabel} /> : null}
        {submitLabel}
      </Button>
    </DialogFooter>
  );
}
