"use client";
// "Create Credential": name, scopes, optional expiry date, token lifetime; then, in the same
// dialog, the one-time Client ID / Client secret view with the curl command.
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { SelectField } from "@/components/forms/select-field";
import { TextField } from "@/components/forms/text-field";
import { TOKEN_LIFETIMES } from "@/components/credentials/credential-badges";
import { ClientSecretView } from "@/components/credentials/client-secret-view";
import { CreateCredentialButton } from "@/components/credentials/triggers";
import { useCreateCredential, type CredentialWithSecret, type Scoping } from "@/components/credentials/queries";
import { ScopesControl } from "@/components/credentials/scope-picker";
import { CREDENTIAL_API_FIELDS, credentialFormSchema } from "@/components/credentials/credential-form";
import { ExpiryField, endOfLocalDay } from "@/components/credentials/expiry-field";
import { showApiError, type ApiFieldMapping } from "@/components/forms/api-field-errors";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Form, FormField, FormItem } from "@/components/ui/form";


const formSchema = credentialFormSchema.extend({ token_lifetime_seconds: z.string() });
type Values = z.infer<typeof formSchema>;
const TOKEN_LIFETIME_OPTIONS = TOKEN_LIFETIMES.map((l) => ({ value: String(l.seconds), label: l.label }));
const API_FIELDS: ApiFieldMapping<Values> = { ...CREDENTIAL_API_FIELDS, fields: [...CREDENTIAL_API_FIELDS.fields, "token_lifetime_seconds"] };

const DEFAULTS: Values = { name: "", scopes: [], expires_on: "", token_lifetime_seconds: "3600" };

export function CreateCredentialDialog({ scoping, trigger, defaultOpen }: { scoping: Scoping; trigger?: React.ReactNode; defaultOpen?: boolean }) {
  const [created, setCreated] = useState<CredentialWithSecret | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(formSchema), defaultValues: DEFAULTS });
  const create = useCreateCredential(scoping);

  // The secret is shown once: closing drops every copy this page holds.
  function discard() {
    setCreated(null);
    create.reset();
    form.reset(DEFAULTS);
  }

  const onSubmit = form.handleSubmit((v) =>
    create.mutate(
      {
        name: v.name,
        scopes: v.scopes,
        expires_at: v.expires_on ? endOfLocalDay(v.expires_on).toISOString() : null,
        token_lifetime_seconds: Number(v.token_lifetime_seconds),
      },
      {
        onSuccess: (c) => {
          setCreated(c);
          create.reset();
          toast.success(`Credential ${c.name} created`);
        },
        onError: (err) => showApiError(form.setError, err, API_FIELDS),
      },
    ),
  );

  return (
    <OneTimeSecretDialog
      trigger={trigger ?? <CreateCredentialButton />}
      defaultOpen={defaultOpen}
      secret={created}
      onDiscard={discard}
      busy={create.isPending}
      render={(c) => <ClientSecretView name={c.name} clientId={c.client_id} clientSecret={c.client_secret} />}
    >
          <Form {...form}>
            <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-5">
              <DialogHeader>
                <DialogTitle>Create credential</DialogTitle>
                <DialogDescription>
                  A client ID and secret for one backend service. It exchanges them at /oauth/token for access tokens
                  that carry the scopes you pick here.
                </DialogDescription>
              </DialogHeader>
              <TextField
                control={form.control}
                name="name"
                label="Name"
                placeholder="Billing service"
                autoComplete="off"
                description="What uses it, so you recognise it later."
                autoFocus
              />
              <FormField
                control={form.control}
                name="scopes"
                render={({ field }) => (
                  <FormItem>
                    <ScopesControl orgId={scoping.orgId} value={field.value} onChange={field.onChange} />
                  </FormItem>
                )}
              />
              <div className="grid gap-5 sm:grid-cols-2">
                <ExpiryField control={form.control} name="expires_on" />
                <SelectField control={form.control} name="token_lifetime_seconds" label="Token lifetime" className="content-start" options={TOKEN_LIFETIME_OPTIONS} description="How long each access token works." />
              </div>
              <FormDialogFooter pending={create.isPending} submitLabel="Create credential" pendingLabel="Creating" />
            </form>
          </Form>
    </OneTimeSecretDialog>
  );
}
