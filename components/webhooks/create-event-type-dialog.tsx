"use client";
// "Create event type": a name like `invoice.paid`, a description, and optionally a JSON Schema
// that the `data` of each event of this type must satisfy.
import { zodResolver } from "@hookform/resolvers/zod";
import { Plus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { TextField } from "@/components/forms/text-field";
import { useCreateEventType, type Scoping } from "@/components/webhooks/queries";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Textarea } from "@/components/ui/textarea";
import { applyApiFieldErrors } from "@/components/forms/api-field-errors";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { ApiError } from "@/lib/api/fetch-api";
import { createEventTypeSchema, eventTypeNameSchema } from "@/lib/validations/webhooks";

/** Parses the schema text: "" is no schema; anything else must be a JSON object. */
function parseSchema(text: string): { ok: true; value: Record<string, unknown> | null } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: null };
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, message: "A JSON Schema is a JSON object, like {\"type\": \"object\"}" };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
}

const formSchema = z.object({
  name: eventTypeNameSchema,
  description: createEventTypeSchema.shape.description,
  schema: z.string().superRefine((text, ctx) => {
    const r = parseSchema(text);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.message });
  }),
});
type Values = z.infer<typeof formSchema>;
const DEFAULTS: Values = { name: "", description: "", schema: "" };

export function CreateEventTypeDialog({ scoping }: { scoping: Scoping }) {
  const [open, setOpen] = useState(false);
  const form = useForm<Values>({ resolver: zodResolver(formSchema), defaultValues: DEFAULTS });
  const create = useCreateEventType(scoping);

  function setOpenAndReset(next: boolean) {
    setOpen(next);
    if (!next) {
      create.reset();
      form.reset(DEFAULTS);
    }
  }
  const onOpenChange = (next: boolean) => {
    if (!create.isPending) setOpenAndReset(next);
  };

  const onSubmit = form.handleSubmit((v) => {
    const schema = parseSchema(v.schema);
    create.mutate(
      { name: v.name, description: v.description, schema: schema.ok ? schema.value : null },
      {
        onSuccess: (t) => {
          toast.success(`Event type ${t.name} created`);
          setOpenAndReset(false);
        },
        onError: (err) => {
          let mapped = applyApiFieldErrors(form.setError, err, { fields: ["name", "description", "schema"], withPath: true });
          if (!mapped && err instanceof ApiError && err.status === 409) {
            form.setError("name", { message: "An event type with this name already exists" }, { shouldFocus: true });
            mapped = true;
          }
          toast.error(mapped ? "Check the highlighted fields." : err.message);
        },
      },
    );
  });

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden />
          Create event type
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[92vh] overflow-y-auto sm:max-w-xl">
        <Form {...form}>
          <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-5">
            <DialogHeader>
              <DialogTitle>Create event type</DialogTitle>
              <DialogDescription>
                A kind of event your system sends. Endpoints subscribe to types; events must name a type from this
                catalog. Test and live mode each have their own catalog; this adds the type to the current one.
              </DialogDescription>
            </DialogHeader>
            <TextField
              control={form.control}
              name="name"
              label="Name"
              placeholder="invoice.paid"
              autoComplete="off"
              description="Lowercase dotted words, like invoice.paid. It cannot be changed later."
              autoFocus
            />
            <FormField
              control={form.control}
              name="description"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Description</FormLabel>
                  <FormControl>
                    <Textarea {...field} rows={2} placeholder="An invoice was paid in full." />
                  </FormControl>
                  <FormDescription>When this event is sent; endpoint owners see it when subscribing.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="schema"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>JSON schema</FormLabel>
                  <FormControl>
                    <Textarea
                      {...field}
                      rows={6}
                      spellCheck={false}
                      className="font-mono text-xs"
                      placeholder={'{\n  "type": "object",\n  "required": ["invoice_id"],\n  "properties": { "invoice_id": { "type": "string" } }\n}'}
                    />
                  </FormControl>
                  <FormDescription>Optional. Events of this type whose data does not match are refused.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormDialogFooter pending={create.isPending} submitLabel="Create event type" pendingLabel="Creating" />
          </form>
        </Form>
      </DialogContent>
    </Dialog>
  );
}
