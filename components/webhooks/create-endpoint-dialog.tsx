"use client";
// "Create endpoint": the shared endpoint form; then, in the same dialog, the one-time signing
// secret with a verification snippet.
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import {
  applyEndpointApiErrors,
  createInputOf,
  EMPTY_ENDPOINT_FORM,
  EndpointFormFields,
  endpointFormSchema,
  type EndpointFormValues,
} from "@/components/webhooks/endpoint-form";
import { useCreateEndpoint, type EndpointWithSecret, type Scoping } from "@/components/webhooks/queries";
import { SigningSecretView } from "@/components/webhooks/signing-secret-view";
import { CreateEndpointButton } from "@/components/webhooks/triggers";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Form } from "@/components/ui/form";
import { ApiError } from "@/lib/api/fetch-api";

export function CreateEndpointDialog({ scoping, defaultOpen }: { scoping: Scoping; defaultOpen?: boolean }) {
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);
  const form = useForm<EndpointFormValues>({ resolver: zodResolver(endpointFormSchema), defaultValues: EMPTY_ENDPOINT_FORM });
  const create = useCreateEndpoint(scoping);

  // The secret is shown once: closing drops every copy this page holds.
  function discard() {
    setCreated(null);
    create.reset();
    form.reset(EMPTY_ENDPOINT_FORM);
  }

  const onSubmit = form.handleSubmit((v) =>
    create.mutate(createInputOf(v), {
      onSuccess: (e) => {
        setCreated(e);
        create.reset();
        toast.success(`Endpoint ${e.name} created`);
      },
      onError: (err) => {
        const mapped = err instanceof ApiError && applyEndpointApiErrors(form, err);
        toast.error(mapped ? "Check the highlighted fields." : err.message);
      },
    }),
  );

  return (
    <OneTimeSecretDialog
      trigger={<CreateEndpointButton />}
      defaultOpen={defaultOpen}
      className="max-h-[92vh] overflow-y-auto sm:max-w-2xl"
      secret={created}
      onDiscard={discard}
      busy={create.isPending}
      render={(e) => <SigningSecretView name={e.name} secret={e.secret} />}
    >
      <Form {...form}>
        <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-5">
          <DialogHeader>
            <DialogTitle>Create endpoint</DialogTitle>
            <DialogDescription>
              A URL of yours that receives events as signed HTTP POST requests, retried until it answers with a
              2xx.
            </DialogDescription>
          </DialogHeader>
          <EndpointFormFields scoping={scoping} autoFocus />
          <FormDialogFooter pending={create.isPending} submitLabel="Create endpoint" pendingLabel="Creating" />
        </form>
      </Form>
    </OneTimeSecretDialog>
  );
}
