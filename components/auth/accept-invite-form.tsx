"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { acceptInviteAction, joinWithInviteAction, signOutAndReturnAction } from "@/lib/actions/auth";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { CONSOLE_HOME } from "@/lib/auth/safe-next";
import { acceptInviteSchema, type AcceptInviteInput } from "@/lib/validations/auth";

/** For someone without an account: name and a new password. */
export function AcceptInviteForm(props: { token: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<AcceptInviteInput>({
    resolver: zodResolver(acceptInviteSchema),
    defaultValues: { name: "", password: "" },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const r = await acceptInviteAction(props.token, values);
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
      <form onSubmit={onSubmit} className="grid gap-4" noValidate aria-label="Create your account">
        <p className="text-sm font-medium">New to Gatehouse? Create your account.</p>
        <TextField control={form.control} name="name" label="Your name" autoComplete="name" autoFocus />
        <TextField
          control={form.control}
          name="password"
          label="Choose a password"
          type="password"
          autoComplete="new-password"
          description="At least 10 characters, hard to guess: several words, not a common password."
        />
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? <Spinner /> : null}
          Create account and join
        </Button>
      </form>
    </Form>
  );
}

/** For a signed-in user: join with one click if the invitation is theirs. */
export function JoinAsSignedInUser(props: { token: string; signedInAs: string; invitedEmail: string; returnTo: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const mine = props.signedInAs.toLowerCase() === props.invitedEmail.toLowerCase();
  if (!mine) {
    return (
      <div className="grid gap-4 text-sm">
        <p>
          You are signed in as <span className="font-medium">{props.signedInAs}</span>. This invitation is for{" "}
          <span className="font-medium">{props.invitedEmail}</span>: sign out, then sign in with that email or create its account.
        </p>
        <Button variant="outline" disabled={pending} onClick={() => start(() => signOutAndReturnAction(props.returnTo))}>
          {pending ? <Spinner /> : null}
          Sign out
        </Button>
      </div>
    );
  }
  return (
    <div className="grid gap-4 text-sm">
      <p>
        Signed in as <span className="font-medium">{props.signedInAs}</span>.
      </p>
      {error ? (
        <p role="alert" className="text-destructive">
          {error}
        </p>
      ) : null}
      <Button
        disabled={pending}
        onClick={() =>
          start(async () => {
            setError(null);
            const r = await joinWithInviteAction(props.token);
            if (!r.ok) {
              setError(r.message);
              return;
            }
            router.replace(CONSOLE_HOME);
            router.refresh();
          })
        }
      >
        {pending ? <Spinner /> : null}
        Join organization
      </Button>
    </div>
  );
}
