"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { acceptInviteAction } from "@/app/(auth)/actions";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { acceptInviteSchema, personNameSchema } from "@/lib/validations/auth";

// Someone who already has an account only confirms with their password.
const existingSchema = z.object({ name: personNameSchema.optional(), password: z.string().min(1, "Enter your password") });

export function AcceptInviteForm(props: { token: string; email: string; existingUser: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<{ name?: string; password: string }>({
    resolver: zodResolver(props.existingUser ? existingSchema : acceptInviteSchema),
    defaultValues: { name: props.existingUser ? "-" : "", password: "" },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await acceptInviteAction(props.token, { name: values.name || "-", password: values.password });
    if (!r.ok) {
      setError(r.message);
      applyFieldErrors(form.setError, r.fieldErrors);
      return;
    }
    router.replace("/settings/organization/general");
    router.refresh();
  });
  return (
    <Form {...form}>
      <form onSubmit={onSubmit} className="grid gap-4" noValidate>
        <div className="grid gap-1 text-sm">
          <span className="text-muted-foreground">Email</span>
          <span className="font-medium">{props.email}</span>
        </div>
        {props.existingUser ? null : (
          <TextField control={form.control} name="name" label="Your name" autoComplete="name" autoFocus />
        )}
        <TextField
          control={form.control}
          name="password"
          label={props.existingUser ? "Your password" : "Choose a password"}
          type="password"
          autoComplete={props.existingUser ? "current-password" : "new-password"}
          description={props.existingUser ? "You already have an account: confirm it's you." : "At least 10 characters."}
        />
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          Join organization
        </Button>
      </form>
    </Form>
  );
}
