"use client";
// Settings > General: how long events, deliveries and inbound messages are kept. Owners change
// it; everyone else reads it. Empty means the server's default; nothing undelivered is deleted.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyFieldErrors, TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Form } from "@/components/ui/form";
import { Spinner } from "@/components/ui/spinner";
import { ApiError, fetchApi } from "@/lib/api/fetch-api";
import type { RetentionView } from "@/lib/validations/orgs";

const retentionKey = (orgId: string) => ["retention", orgId] as const;

const formSchema = z.object({
  days: z
    .string()
    .trim()
    .refine((v) => v === "" || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3650), "1 to 3650 days, or empty for the server's default"),
});
type Values = z.infer<typeof formSchema>;

export function RetentionForm({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const qc = useQueryClient();
  const current = useQuery({
    queryKey: retentionKey(orgId),
    queryFn: ({ signal }) => fetchApi<RetentionView>("/api/v1/organization/retention", { signal }),
  });
  const form = useForm<Values>({
    resolver: zodResolver(formSchema),
    values: { days: current.data?.retention_days?.toString() ?? "" },
  });
  const save = useMutation({
    mutationFn: (v: Values) =>
      fetchApi<RetentionView>("/api/v1/organization/retention", { method: "PATCH", body: { retention_days: v.days === "" ? null : Number(v.days) } }),
    onSuccess: (r) => {
      qc.setQueryData(retentionKey(orgId), r);
      form.reset({ days: r.retention_days?.toString() ?? "" });
      toast.success(`Data is now kept ${r.effective_days} days`);
    },
    onError: (err) => {
      if (err instanceof ApiError) applyFieldErrors(form.setError, Object.fromEntries((err.errors ?? []).map((e) => [e.field === "retention_days" ? "days" : e.field, e.message])));
      toast.error(err.message);
    },
  });
  const r = current.data;
  return (
    <Card>
      <Form {...form}>
        <form onSubmit={form.handleSubmit((v) => save.mutate(v))} noValidate aria-label="Data retention">
          <CardHeader>
            <CardTitle>Data retention</CardTitle>
            <CardDescription>
              Events, deliveries with every attempt&apos;s request and response, and received inbound messages are deleted after this many days.
              Undelivered events are kept however old; the audit log is never deleted.
            </CardDescription>
          </CardHeader>
          <CardContent className="max-w-md pt-4">
            {current.isError ? (
              <p role="alert">Could not load the retention setting.</p>
            ) : !r ? (
              <Spinner />
            ) : (
              <TextField
                control={form.control}
                name="days"
                label="Keep data for (days)"
                placeholder={`${r.server_default_days} (server default)`}
                description={`Empty: the server's default, ${r.server_default_days} days. Now: ${r.effective_days} days.`}
                disabled={!canEdit}
              />
            )}
          </CardContent>
          <CardFooter className="justify-between gap-4 border-t pt-4">
            <p className="text-sm text-muted-foreground">{canEdit ? "Only owners can change it; it is audited." : "Only owners can change it."}</p>
            <Button type="submit" disabled={!canEdit || save.isPending || !form.formState.isDirty}>
              {save.isPending ? <Spinner /> : null}
              Save retention
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
