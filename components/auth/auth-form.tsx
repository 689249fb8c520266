"use client";
// What every signed-out form does the same way: validate with its zod schema, call its server
// action, put the answer's field errors on the fields and its message under them, and go on to
// the console when it succeeds.
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type Control, type DefaultValues, type FieldValues, type Resolver, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { applyFieldErrors } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import type { ActionResult } from "@/lib/actions/auth";

/** Under every field where a new password is chosen (the server's rule: lib/validations/auth.ts). */
export const NEW_PASSWORD_HELP = "At least 10 characters, hard to guess: several words, not a common password.";

type Props<T extends FieldValues> = {
  schema: z.ZodType<unknown, T>;
  defaultValues: DefaultValues<T>;
  action: (values: T) => Promise<ActionResult>;
  /** Where to go after a success (a same-origin path). */
  destination: string;
  submitLabel: string;
  /** The form's accessible name, where the page has more than one form. */
  label?: string;
  /** After a refusal, e.g. clear the password. */
  onRefused?: (form: UseFormReturn<T>) => void;
  children: (control: Control<T>) => React.ReactNode;
};

export function AuthForm<T extends FieldValues>({ schema, defaultValues, action, destination, submitLabel, label, onRefused, children }: Props<T>) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  // The schema's input type is the form's values; the resolver's output is checked by the action.
  const form = useForm<T, unknown, T>({ resolver: zodResolver(schema as never) as unknown as Resolver<T, unknown, T>, defaultValues });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await action(values);
    if (!r.ok) {
      setError(r.message);
      applyFieldErrors(form.setError, r.fieldErrors);
      onRefused?.(form);
      return;
    }
    router.replace(destination);
    router.refresh();
  });
  return (
    <Form {...form}>
      <form onSubmit={onSubmit} className="grid gap-4" noValidate aria-label={label}>
        {children(form.control)}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          {submitLabel}
        </Button>
      </form>
    </Form>
  );
}
