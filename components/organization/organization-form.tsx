"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { ApiError, fetchApi } from "@/lib/api/fetch-api";
import { updateOrganizationSchema } from "@/lib/validations/orgs";

type Values = z.input<typeof updateOrganizationSchema>;

export function OrganizationForm({ org, canEdit }: { org: { id: string; name: string }; canEdit: boolean }) {
  const router = useRouter();
  const form = useForm<Values>({ resolver: zodResolver(updateOrganizationSchema), defaultValues: { name: org.name } });
  const rename = useMutation({
    mutationFn: (values: Values) => fetchApi<{ name: string }>("/api/v1/organization", { method: "PATCH", body: values }),
    onSuccess: (o) => {
      toast.success("Organization renamed");
      form.reset({ name: o.name });
      router.refresh();
    },
    onError: (err) => {
      if (err instanceof ApiError) {
        applyFieldErrors(form.setError, Object.fromEntries((err.errors ?? []).map((e) => [e.field, e.message])));
      }
      toast.error(err.message);
    },
  });
  return (
    <div className="grid gap-6">
      <Card>
        <Form {...form}>
          <form onSubmit={form.handleSubmit((v) => rename.mutate(v))} noValidate>
            <CardHeader>
              <CardTitle>Organization name</CardTitle>
              <CardDescription>Shown to members in the console and in the organization switch.</CardDescription>
            </CardHeader>
            <CardContent className="max-w-md pt-4">
              <TextField control={form.control} name="name" label="Organization name" disabled={!canEdit} />
            </CardContent>
            <CardFooter className="justify-between gap-4 border-t pt-4">
              <p className="text-sm text-muted-foreground">
                {canEdit ? "Admins and owners can rename the organization." : "Only admins and owners can rename it."}
              </p>
              <Button type="submit" disabled={!canEdit || rename.isPending || !form.formState.isDirty}>
                {rename.isPending ? <Spinner /> : null}
                Save
              </Button>
            </CardFooter>
          </form>
        </Form>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Organization ID</CardTitle>
          <CardDescription>Use it when you talk to support or script against the API.</CardDescription>
        </CardHeader>
        <CardContent className="pt-4">
          <CodeBlock code={org.id} label="Copy organization ID" />
        </CardContent>
      </Card>
    </div>
  );
}
