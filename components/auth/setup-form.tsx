"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { setupAction } from "@/lib/actions/auth";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { setupSchema } from "@/lib/validations/auth";

type Values = z.input<typeof setupSchema>;

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(setupSchema),
    defaultValues: { name: "", email: "", password: "", orgName: "" },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await setupAction(values);
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
        <TextField control={form.control} name="name" label="Your name" autoComplete="name" autoFocus />
        <TextField control={form.control} name="email" label="Email" type="email" autoComplete="email" />
        <TextField
          control={form.control}
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          description="At least 10 characters."
        />
        <TextField
          control={form.control}
          name="orgName"
          label="Organization name"
          autoComplete="organization"
          description="You can rename it later."
        />
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          Create organization
        </Button>
      </form>
    </Form>
  );
}
