"use client";
import { AuthForm, NEW_PASSWORD_HELP } from "@/components/auth/auth-form";
import { TextField } from "@/components/forms/text-field";
import { resetPasswordAction } from "@/lib/actions/auth";
import { CONSOLE_HOME } from "@/lib/auth/safe-next";
import { resetPasswordSchema, type ResetPasswordInput } from "@/lib/validations/passwords";

/** A new password from a one-time reset link; signs in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  return (
    <AuthForm<ResetPasswordInput>
      schema={resetPasswordSchema}
      defaultValues={{ password: "" }}
      action={(values) => resetPasswordAction(token, values)}
      destination={CONSOLE_HOME}
      submitLabel="Set password and sign in"
      label="Set a new password"
    >
      {(control) => (
        <TextField
          control={control}
          name="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          description={NEW_PASSWORD_HELP}
        />
      )}
    </AuthForm>
  );
}
