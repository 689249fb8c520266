"use client";
// Edit a credential: name, scopes, expiry. Scopes apply from the next token exchange; tokens
// already issued keep theirs until they expire (said in the dialog, so nobody expects a cut-off).
import { zodResolver } from "@hookform/resolvers/zod";
import { Pencil } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { CREDENTIAL_API_FIELDS, credentialFormSchema, type CredentialFormValues } from "@/components/credentials/credential-form";
import { ExpiryField, endOfLocalDay, expiresOnOf } from "@/components/credentials/expiry-field";
import { showApiError } from "@/components/forms/api-field-errors";
import { useUpdateCredential, type Scoping } from "@/components/credentials/queries";
import { ScopesControl } from "@/components/credentials/scope-picker";
import { TextField } from "@/components/forms/text-field";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Form, FormField, FormItem } from "@/components/ui/form";
import type { CredentialView } from "@/lib/validations/credentials";

function valuesOf(c: CredentialView): CredentialFormValues {
  return { name: c.name, scopes: c.scopes, expires_on: expiresOnOf(c.expires_at) };
}

export function EditCredentialDialog({ scoping, credential }: { scoping: Scoping; credential: CredentialView }) {
  const [open, setOpen] = useState(false);
  const form = useForm<CredentialFormValues>({ resolver: zodResolver(credentialFormSchema), defaultValues: valuesOf(credential) });
  const update = useUpdateCredential(scoping, credential.id);

  function onOpenChange(next: boolean) {
    if (update.isPending) return;
    setOpen(next);
    if (next) form.reset(valuesOf(credential));
  }

  const onSubmit = form.handleSubmit((v) => {
    const initial = valuesOf(credential);
    // Only what changed is sent: an unchanged expiry is not re-checked against a newer policy.
    const body: { name?: string; scopes?: string[]; expires_at?: string | null } = {};
    if (v.name !== initial.name) body.name = v.name;
    if ([...v.scopes].sort().join(" ") !== [...initial.scopes].sort().join(" ")) body.scopes = v.scopes;
    if (v.expires_on !== initial.expires_on) body.expires_at = v.expires_on ? endOfLocalDay(v.expires_on).toISOString() : null;
    if (!Object.keys(body).length) {
      setOpen(false);
      return;
    }
    update.mutate(body, {
      onSuccess: (c) => {
        toast.success(`${c.name} saved`);
        setOpen(false);
      },
      onError: (err) => showApiError(form.setError, err, CREDENTIAL_API_FIELDS),
    });
  });

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" aria-label="Edit credential">
          <Pencil aria-hidden />
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[92vh] overflow-y-auto sm:max-w-xl">
        <Form {...form}>
          <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-5">
            <DialogHeader>
              <DialogTitle>Edit {credential.name}</DialogTitle>
              <DialogDescription>
                Scope changes apply from the next token exchange: tokens already issued keep their scopes until they expire.
                Revoke the credential to stop them at once.
              </DialogDescription>
            </DialogHeader>
            <TextField control={form.control} name="name" label="Name" autoComplete="off" />
            <FormField
              control={form.control}
              name="scopes"
              render={({ field }) => (
                <FormItem>
                  <ScopesControl orgId={scoping.orgId} value={field.value} onChange={field.onChange} />
                </FormItem>
              )}
            />
            <ExpiryField control={form.control} name="expires_on" />
            <FormDialogFooter pending={update.isPending} submitLabel="Save changes" pendingLabel="Saving" />
          </form>
        </Form>
      </DialogContent>
    </Dialog>
  );
}
