"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { AuthForm, NEW_PASSWORD_HELP } from "@/components/auth/auth-form";
import { acceptInviteAction, joinWithInviteAction, signOutAndReturnAction } from "@/lib/actions/auth";
import { TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { CONSOLE_HOME } from "@/lib/auth/safe-next";
import { acceptInviteSchema, type AcceptInviteInput } from "@/lib/validations/passwords";

/** For someone without an account: name and a new password. */
export function AcceptInviteForm(props: { token: string; email: string }) {
  return (
    <AuthForm<AcceptInviteInput>
      schema={acceptInviteSchema}
      defaultValues={{ name: "", password: "" }}
      action={(values) => acceptInviteAction(props.token, values)}
      destination={CONSOLE_HOME}
      submitLabel="Create account and join"
      label="Create your account"
    >
      {(control) => (
        <>
          <p className="text-sm font-medium">New to Gatehouse? Create your account.</p>
          <TextField control={control} name="name" label="Your name" autoComplete="name" autoFocus />
          <TextField
            control={control}
            name="password"
            label="Choose a password"
            type="password"
            autoComplete="new-password"
            description={NEW_PASSWORD_HELP}
          />
        </>
      )}
    </AuthForm>
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
