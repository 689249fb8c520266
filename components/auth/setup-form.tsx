"use client";
import type { z } from "zod";
import { AuthForm } from "@/components/auth/auth-form";
import { TextField } from "@/components/forms/text-field";
import { setupAction } from "@/lib/actions/auth";
import { setupSchema } from "@/lib/validations/passwords";

export function SetupForm() {
  return (
    <AuthForm<z.input<typeof setupSchema>>
      schema={setupSchema}
      defaultValues={{ name: "", email: "", password: "", orgName: "" }}
      action={setupAction}
      destination="/settings/organization/general"
      submitLabel="Create organization"
    >
      {(control) => (
        <>
          <TextField control={control} name="name" label="Your name" autoComplete="name" autoFocus />
          <TextField control={control} name="email" label="Email" type="email" autoComplete="email" />
          <TextField
            control={control}
            name="password"
            label="Password"
            type="password"
            autoComplete="new-password"
            description="At least 10 characters."
          />
          <TextField control={control} name="orgName" label="Organization name" autoComplete="organization" description="You can rename it later." />
        </>
      )}
    </AuthForm>
  );
}
