"use client";
// "Create incoming webhook" and "Edit": it starts with the sender type (Generic, Standard
// Webhooks, GitHub, Stripe, Shopify, Slack, custom HMAC header), then name, handler with its
// delivery settings (event type to emit, or URL to forward to), the sender's secret, the dedup
// window and the rate limit. After create, the same dialog shows the one-time URL + token view;
// an edit that generated a secret shows it the same way.
import { zodResolver } from "@hookform/resolvers/zod";
import { Plus } from "lucide-react";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { showApiError, type ApiFieldMapping } from "@/components/forms/api-field-errors";
import { SelectField } from "@/components/forms/select-field";
import { TextField } from "@/components/forms/text-field";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { InboundSecretView } from "@/components/inbound/inbound-secret-view";
import { useCreateInboundWebhook, useEventTypeNames, useUpdateInboundWebhook, type Scoping } from "@/components/inbound/queries";
import { Button } from "@/components/ui/button";
import { DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Form, FormField, FormItem, FormMessage } from "@/components/ui/form";
import { INBOUND_HANDLERS, INBOUND_SENDERS, INBOUND_VERIFICATIONS, type InboundSenderType, type InboundWebhookView, type InboundWebhookWithSecrets } from "@/lib/validations/inbound";

export const HANDLER_LABELS: Record<(typeof INBOUND_HANDLERS)[number], string> = {
  store: "Store",
  event: "Emit event",
  forward: "Forward",
};
const HANDLER_OPTIONS = INBOUND_HANDLERS.map((h) => ({ value: h, label: HANDLER_LABELS[h] }));
const HANDLER_HELP: Record<(typeof INBOUND_HANDLERS)[number], string> = {
  store: "Keep what arrives, nothing more. Any body is accepted.",
  event: "Turn each request (a JSON object) into an event, delivered to the subscribed endpoints.",
  forward: "Relay each request's exact body to a URL, signed, with the usual retries and replay.",
};
/** The title and trigger of the create dialog ("Create endpoint" is its outgoing counterpart). */
export const CREATE_INBOUND_LABEL = "Create incoming webhook";

function secretHelp(type: InboundSenderType, editingSame: boolean): string {
  if (editingSame) return "Leave empty to keep the current secret.";
  const s = INBOUND_SENDERS[type];
  return s.secret === "sender"
    ? `${s.label} issues this secret: paste it here (or later with Edit). Until it is set, requests are refused and listed under Rejected requests.`
    : "The secret the sender signs with. Leave empty to generate one (shown once).";
}

const formSchema = z
  .object({
    name: z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters"),
    handler: z.enum(INBOUND_HANDLERS),
    event_type: z.string(),
    forward_url: z.string().trim(),
    verification: z.enum(INBOUND_VERIFICATIONS),
    verification_secret: z.string(),
    signature_header: z.string().trim(),
    rate_limit_per_minute: z.string().regex(/^\d+$/, "Enter a whole number"),
    dedup_window_hours: z.string().regex(/^\d+$/, "Enter a whole number of hours").refine((v) => Number(v) <= 720, "At most 720 hours (30 days)"),
    forward_rate_limit_per_second: z
      .string()
      .trim()
      .refine((v) => v === "" || (Number.isFinite(Number(v)) && Number(v) >= 0.01 && Number(v) <= 10_000), "0.01 to 10000, or empty for no limit"),
    forward_max_in_flight: z
      .string()
      .regex(/^\d+$/, "Enter a whole number")
      .refine((v) => Number(v) >= 1 && Number(v) <= 100, "1 to 100"),
  })
  .superRefine((v, ctx) => {
    if (v.handler === "event" && !v.event_type) ctx.addIssue({ code: "custom", path: ["event_type"], message: "Choose the event type to emit" });
    if (v.handler === "forward" && !v.forward_url) ctx.addIssue({ code: "custom", path: ["forward_url"], message: "Enter the URL to forward to" });
    if (v.verification === "hmac_sha256" && !v.signature_header) {
      ctx.addIssue({ code: "custom", path: ["signature_header"], message: "Name the header that carries the signature" });
    }
  });
type Values = z.infer<typeof formSchema>;
const API_FIELDS: ApiFieldMapping<Values> = {
  fields: Object.keys(formSchema.shape) as (keyof Values)[],
  // The form asks for hours where the API takes seconds.
  rename: { dedup_window_seconds: "dedup_window_hours" },
};

function defaults(w?: InboundWebhookView): Values {
  return {
    name: w?.name ?? "",
    handler: w?.handler ?? "store",
    event_type: w?.event_type ?? "",
    forward_url: w?.forward_url ?? "",
    verification: w?.verification ?? "none",
    verification_secret: "",
    signature_header: w?.signature_header ?? "",
    rate_limit_per_minute: String(w?.rate_limit_per_minute ?? 600),
    dedup_window_hours: String(Math.round((w?.dedup_window_seconds ?? 259200) / 3600)),
    forward_rate_limit_per_second: w?.forward_rate_limit_per_second?.toString() ?? "",
    forward_max_in_flight: String(w?.forward_max_in_flight ?? 10),
  };
}

function toInput(v: Values) {
  return {
    name: v.name,
    handler: v.handler,
    event_type: v.handler === "event" ? v.event_type : null,
    forward_url: v.handler === "forward" ? v.forward_url : undefined,
    verification: v.verification,
    ...(v.verification !== "none" && v.verification_secret ? { verification_secret: v.verification_secret } : {}),
    signature_header: v.verification === "hmac_sha256" ? v.signature_header : null,
    rate_limit_per_minute: Number(v.rate_limit_per_minute),
    ...(INBOUND_SENDERS[v.verification].deliveryId ? { dedup_window_seconds: Number(v.dedup_window_hours) * 3600 } : {}),
    ...(v.handler === "forward"
      ? {
          forward_rate_limit_per_second: v.forward_rate_limit_per_second === "" ? null : Number(v.forward_rate_limit_per_second),
          forward_max_in_flight: Number(v.forward_max_in_flight),
        }
      : {}),
  };
}

export function InboundWebhookFormDialog({
  scoping,
  webhook,
  open: openProp,
  onOpenChange: onOpenChangeProp,
  trigger,
}: {
  scoping: Scoping;
  /** Edit this webhook; without it the dialog creates one. */
  webhook?: InboundWebhookView;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  trigger?: React.ReactNode;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = openProp ?? ownOpen;
  const [result, setResult] = useState<InboundWebhookWithSecrets | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(formSchema), defaultValues: defaults(webhook) });
  const create = useCreateInboundWebhook(scoping);
  const update = useUpdateInboundWebhook(scoping, webhook?.id ?? "");
  const pending = create.isPending || update.isPending;
  const handler = useWatch({ control: form.control, name: "handler" });
  const verification = useWatch({ control: form.control, name: "verification" });
  const eventTypes = useEventTypeNames(scoping.orgId, open && handler === "event");

  function setOpen(next: boolean) {
    (onOpenChangeProp ?? setOwnOpen)(next);
  }

  // Secrets are shown once: closing drops every copy this page holds.
  function discard() {
    setResult(null);
    create.reset();
    update.reset();
    form.reset(defaults(webhook));
  }

  const onError = (err: Error) => showApiError(form.setError, err, API_FIELDS);

  const onSubmit = form.handleSubmit((v) => {
    if (webhook) {
      update.mutate(toInput(v), {
        onSuccess: (w) => {
          toast.success(`Webhook ${w.name} saved`);
          update.reset();
          if (w.verification_secret || w.forward_signing_secret) setResult(w);
          else {
            setOpen(false);
            discard();
          }
        },
        onError,
      });
    } else {
      create.mutate(toInput(v), {
        onSuccess: (w) => {
          setResult(w);
          create.reset();
          toast.success(`Webhook ${w.name} created`);
        },
        onError,
      });
    }
  });

  return (
    <OneTimeSecretDialog
      trigger={
        webhook && trigger === undefined
          ? undefined
          : (trigger ?? (
              <Button>
                <Plus aria-hidden />
                {CREATE_INBOUND_LABEL}
              </Button>
            ))
      }
      open={open}
      onOpenChange={setOpen}
      secret={result}
      onDiscard={discard}
      busy={pending}
      render={(w) => <InboundSecretView webhook={w} mode={webhook ? "updated" : "created"} />}
    >
      <Form {...form}>
        <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-5">
          <DialogHeader>
            <DialogTitle>{webhook ? `Edit ${webhook.name}` : CREATE_INBOUND_LABEL}</DialogTitle>
            <DialogDescription>
              A unique URL that an external service posts into, guarded by an integration token. Choose who sends to it:
              its signatures are checked over the raw body, and its retries are stored once.
            </DialogDescription>
          </DialogHeader>
          <FormField
            control={form.control}
            name="verification"
            render={({ field }) => (
              <FormItem>
                <fieldset className="grid gap-2">
                  <legend className="mb-2 text-sm font-medium">Sender type</legend>
                  <div role="radiogroup" aria-label="Sender type" className="grid gap-2 sm:grid-cols-2">
                    {INBOUND_VERIFICATIONS.map((t) => (
                      <label
                        key={t}
                        className="flex cursor-pointer gap-2 rounded-md border p-2.5 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring"
                      >
                        <input
                          type="radio"
                          name={field.name}
                          value={t}
                          checked={field.value === t}
                          onChange={() => field.onChange(t)}
                          onBlur={field.onBlur}
                          className="mt-0.5 accent-primary"
                          aria-describedby={`sender-${t}-summary`}
                        />
                        <span className="grid gap-0.5">
                          <span className="font-medium">{INBOUND_SENDERS[t].label}</span>
                          <span id={`sender-${t}-summary`} className="text-xs text-muted-foreground">
                            {INBOUND_SENDERS[t].summary}
                          </span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
                <FormMessage />
              </FormItem>
            )}
          />
          <TextField control={form.control} name="name" label="Name" placeholder="Payments provider" autoComplete="off" autoFocus />
          <SelectField control={form.control} name="handler" label="Handler" options={HANDLER_OPTIONS} description={(h) => HANDLER_HELP[h as keyof typeof HANDLER_HELP]} />
          {handler === "event" ? (
            <SelectField
                control={form.control}
                name="event_type"
                label="Event type"
                options={(eventTypes.data ?? []).map((t) => ({ value: t, label: t }))}
                placeholder={eventTypes.isPending ? "Loading…" : "Choose an event type"}
                description="Each request body becomes the event's data; it must fit the type's schema."
              />
          ) : null}
          {handler === "forward" ? (
            <TextField
              control={form.control}
              name="forward_url"
              label="Forward to URL"
              placeholder="https://example.com/hooks/incoming"
              autoComplete="off"
              description="https:// (http:// in test mode). Forwards are signed with Standard Webhooks."
            />
          ) : null}
          {handler === "forward" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                control={form.control}
                name="forward_rate_limit_per_second"
                label="Forward rate limit (per second)"
                placeholder="No limit"
                autoComplete="off"
                description="Relays started per second, across all processes; empty: no limit."
              />
              <TextField
                control={form.control}
                name="forward_max_in_flight"
                label="Forwards in flight"
                type="number"
                description="Relays to the target at once (1 to 100)."
              />
            </div>
          ) : null}
          {verification === "hmac_sha256" ? (
            <TextField control={form.control} name="signature_header" label="Signature header" placeholder="X-Hub-Signature-256" autoComplete="off" />
          ) : null}
          {verification !== "none" ? (
            <TextField
              control={form.control}
              name="verification_secret"
              label={INBOUND_SENDERS[verification].secretLabel ?? "Verification secret"}
              type="password"
              autoComplete="off"
              placeholder={verification === "standard_webhooks" || verification === "stripe" ? "whsec_…" : ""}
              description={secretHelp(verification, !!webhook && webhook.verification === verification && webhook.verification_secret_configured)}
            />
          ) : null}
          {INBOUND_SENDERS[verification].deliveryId ? (
            <TextField
              control={form.control}
              name="dedup_window_hours"
              label="Dedup window (hours)"
              type="number"
              description={`A retry with the same ${INBOUND_SENDERS[verification].deliveryId} within this time is answered 200 and stored once. 0 turns it off.`}
            />
          ) : null}
          <TextField
            control={form.control}
            name="rate_limit_per_minute"
            label="Rate limit (requests per minute)"
            type="number"
            description="More are answered 429 with Retry-After."
          />
          <FormDialogFooter pending={pending} submitLabel={webhook ? "Save" : "Create"} />
        </form>
      </Form>
    </OneTimeSecretDialog>
  );
}
