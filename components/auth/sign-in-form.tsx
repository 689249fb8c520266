"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { signInAction } from "@/lib/actions/auth";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { CONSOLE_HOME, safeNextPath } from "@/lib/auth/safe-next";
import { signInSchema } from "@/lib/validations/auth";

type Values = z.input<typeof signInSchema>;

export function SignInForm({ next }: { next?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(signInSchema), defaultValues: { email: "", password: "" } });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await signInAction(values);
    if (!r.ok) {
      setError(r.message);
      applyFieldErrors(form.setError, r.fieldErrors);
      form.setValue("password", "");
      return;
    }
    // Only same-origin paths, never an absolute URL from the query string (lib/auth/safe-next.ts).
    router.replace(safeNextPath(next) ?? CONSOLE_HOME);
    router.refresh();
  });
  return (
    <Form {...form}>
      <form onSubmit={onSubmit} className="grid gap-4" noValidate>
        <TextField control={form.control} name="email" label="Email" type="email" autoComplete="username" autoFocus />
        <TextField control={form.control} name="password" label="Password" type="password" autoComplete="current-password" />
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          Sign in
        </Button>
      </form>
    </Form>
  );
}
