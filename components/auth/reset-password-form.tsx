"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { resetPasswordAction } from "@/lib/actions/auth";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { CONSOLE_HOME } from "@/lib/auth/safe-next";
import { resetPasswordSchema, type ResetPasswordInput } from "@/lib/validations/auth";

/** A new password from a one-time reset link; signs in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<ResetPasswordInput>({ resolver: zodResolver(resetPasswordSchema), defaultValues: { password: "" } });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await resetPasswordAction(token, values);
    if (!r.ok) {
      setError(r.message);
      applyFieldErrors(form.setError, r.fieldErrors);
      return;
    }
    router.replace(CONSOLE_HOME);
    router.refresh();
  });
  return (
    <Form {...form}>
      <form onSubmit={onSubmit} className="grid gap-4" noValidate aria-label="Set a new password">
        <TextField
          control={form.control}
          name="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          description="At least 10 characters, hard to guess: several words, not a common password."
        />
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          Set password and sign in
        </Button>
      </form>
    </Form>
  );
}
