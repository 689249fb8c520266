"use client";
import type { z } from "zod";
import { AuthForm } from "@/components/auth/auth-form";
import { TextField } from "@/components/forms/text-field";
import { signInAction } from "@/lib/actions/auth";
import { CONSOLE_HOME, safeNextPath } from "@/lib/auth/safe-next";
import { signInSchema } from "@/lib/validations/auth";

export function SignInForm({ next }: { next?: string }) {
  return (
    <AuthForm<z.input<typeof signInSchema>>
      schema={signInSchema}
      defaultValues={{ email: "", password: "" }}
      action={signInAction}
      // Only same-origin paths, never an absolute URL from the query string (lib/auth/safe-next.ts).
      destination={safeNextPath(next) ?? CONSOLE_HOME}
      submitLabel="Sign in"
      onRefused={(form) => form.setValue("password", "")}
    >
      {(control) => (
        <>
          <TextField control={control} name="email" label="Email" type="email" autoComplete="username" autoFocus />
          <TextField control={control} name="password" label="Password" type="password" autoComplete="current-password" />
        </>
      )}
    </AuthForm>
  );
}
