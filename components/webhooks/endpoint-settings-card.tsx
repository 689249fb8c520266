"use client";
// The endpoint page's Settings form (developers and above): the endpoint form's fields, saved with
// PATCH. Loaded when the folded Settings section is first opened (endpoint-detail.tsx).
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import {
  applyEndpointApiErrors,
  EndpointFormFields,
  endpointFormSchema,
  formValuesOf,
  updateInputOf,
  type EndpointFormValues,
} from "@/components/webhooks/endpoint-form";
import { useUpdateEndpoint, type Scoping } from "@/components/webhooks/queries";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { ApiError } from "@/lib/api/fetch-api";
import type { EndpointView } from "@/lib/validations/webhooks";

export function EndpointSettingsCard({ scoping, endpoint: e }: { scoping: Scoping; endpoint: EndpointView }) {
  const form = useForm<EndpointFormValues>({ resolver: zodResolver(endpointFormSchema), defaultValues: formValuesOf(e) });
  const update = useUpdateEndpoint(scoping, e.id);
  const { isDirty } = form.formState;

  // A change made elsewhere (pause, rotate, another tab) refreshes the form unless it holds edits.
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(formValuesOf(e));
  }, [e.updated_at]);

  const onSubmit = form.handleSubmit((v) =>
    update.mutate(updateInputOf(v), {
      onSuccess: (updated) => {
        form.reset(formValuesOf(updated));
        toast.success("Changes saved");
      },
      onError: (err) => {
        const mapped = err instanceof ApiError && applyEndpointApiErrors(form, err);
        toast.error(mapped ? "Check the highlighted fields." : err.message);
      },
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
        <CardDescription>Where deliveries go, which events, and what each request carries.</CardDescription>
      </CardHeader>
      <CardContent className="pt-2">
        <Form {...form}>
          <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-label="Endpoint settings">
            <EndpointFormFields scoping={scoping} authTokenConfigured={e.auth_token_configured} />
            <div className="flex flex-wrap items-center justify-end gap-2">
              {isDirty ? (
                <Button type="button" variant="ghost" disabled={update.isPending} onClick={() => form.reset(formValuesOf(e))}>
                  Discard changes
                </Button>
              ) : null}
              <Button type="submit" disabled={!isDirty || update.isPending} aria-busy={update.isPending || undefined}>
                {update.isPending ? <Spinner label="Saving" /> : null}
                Save changes
              </Button>
            </div>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}
