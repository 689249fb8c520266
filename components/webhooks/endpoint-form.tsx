"use client";
// The endpoint form shared by "Create endpoint" and the endpoint page's settings card: its schema,
// the mapping between form values and the API's fields (both ways, errors included), and the
// fields themselves: name, URL, events, payload filter and channels, description, custom headers,
// timeout, auth token, and the throttle (rate limit, requests in flight, ordering).
import { Plus, X } from "lucide-react";
import { useId } from "react";
import { useFieldArray, useFormContext, useWatch, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { TextField } from "@/components/forms/text-field";
import { useEventTypes, type Scoping } from "@/components/webhooks/queries";
import { channelsFieldProblem, EndpointFilterFields, filterFieldProblem, parseChannels } from "@/components/webhooks/endpoint-filter-fields";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Switch } from "@/components/ui/switch";
import {
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
  useFormField,
} from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import type { ApiError } from "@/lib/api/fetch-api";
import {
  headerNameProblem,
  headerValueProblem,
  MASKED_HEADER_VALUE,
  MAX_CUSTOM_HEADERS,
  MAX_IN_FLIGHT,
  MAX_RATE_LIMIT_PER_SECOND,
  type CreateEndpointInput,
  type EndpointView,
  type UpdateEndpointInput,
} from "@/lib/validations/webhooks";

function isHttpUrl(v: string): boolean {
  try {
    return /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
}

export const endpointFormSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters"),
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL that receives deliveries")
    .max(2048, "Use at most 2048 characters")
    .refine(isHttpUrl, "Enter a full http:// or https:// URL"),
  event_types: z.array(z.string()),
  // The API's own parser and name rule (lib/webhooks/payload-filter.ts).
  filter: z.string().superRefine((v, ctx) => {
    const p = filterFieldProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  }),
  channels: z.string().superRefine((v, ctx) => {
    const p = channelsFieldProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  }),
  description: z.string().trim().max(256, "Use at most 256 characters"),
  headers: z
    .array(z.object({ name: z.string().trim(), value: z.string() }))
    .max(MAX_CUSTOM_HEADERS, `At most ${MAX_CUSTOM_HEADERS} headers`)
    // The API's rule (lib/validations/webhooks.ts), per row.
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((row, i) => {
        if (!row.name) {
          if (row.value) ctx.addIssue({ code: "custom", path: [i, "name"], message: "Enter a header name" });
          return;
        }
        const lower = row.name.toLowerCase();
        const nameProblem = headerNameProblem(row.name) ?? (seen.has(lower) ? "Repeats another header (names are case-insensitive)" : null);
        const valueProblem = nameProblem ? null : headerValueProblem(row.value);
        if (nameProblem) ctx.addIssue({ code: "custom", path: [i, "name"], message: nameProblem });
        else if (valueProblem) ctx.addIssue({ code: "custom", path: [i, "value"], message: valueProblem });
        seen.add(lower);
      });
    }),
  timeout_seconds: z
    .string()
    .trim()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 30, "A whole number of seconds, 1 to 30"),
  /** Blank: no rate limit. */
  rate_limit_per_second: z
    .string()
    .trim()
    .refine(
      (v) => v === "" || (/^\d+(\.\d+)?$/.test(v) && Number(v) >= 0.01 && Number(v) <= MAX_RATE_LIMIT_PER_SECOND),
      `Leave blank for no limit, or a number from 0.01 to ${MAX_RATE_LIMIT_PER_SECOND}`,
    ),
  max_in_flight: z
    .string()
    .trim()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_IN_FLIGHT, `A whole number, 1 to ${MAX_IN_FLIGHT}`),
  ordering: z.enum(["none", "fifo"]),
  /** keep: leave the configured token as it is; set: send `auth_token` (empty = none); clear: remove it. */
  auth_token_mode: z.enum(["keep", "set", "clear"]),
  auth_token: z
    .string()
    .max(1024, "Use at most 1024 characters")
    .refine((v) => !v || (v !== MASKED_HEADER_VALUE && headerValueProblem(v) === null), "Use printable ASCII characters only, no line breaks"),
  /** An operator endpoint: receives Gatehouse's own gatehouse.* events. */
  operator_events: z.boolean(),
});
export type EndpointFormValues = z.infer<typeof endpointFormSchema>;

export const EMPTY_ENDPOINT_FORM: EndpointFormValues = {
  name: "",
  url: "",
  event_types: [],
  filter: "",
  channels: "",
  description: "",
  headers: [],
  timeout_seconds: "10",
  rate_limit_per_second: "",
  max_in_flight: "10",
  ordering: "none",
  auth_token_mode: "set",
  auth_token: "",
  operator_events: false,
};

export function formValuesOf(e: EndpointView): EndpointFormValues {
  return {
    name: e.name,
    url: e.url,
    event_types: e.event_types,
    filter: e.filter ?? "",
    channels: e.channels.join(", "),
    description: e.description ?? "",
    headers: Object.entries(e.headers_json).map(([name, value]) => ({ name, value })),
    timeout_seconds: String(e.timeout_seconds),
    rate_limit_per_second: e.rate_limit_per_second === null ? "" : String(e.rate_limit_per_second),
    max_in_flight: String(e.max_in_flight),
    ordering: e.ordering,
    auth_token_mode: e.auth_token_configured ? "keep" : "set",
    auth_token: "",
    operator_events: e.operator_events,
  };
}

const headersJsonOf = (rows: EndpointFormValues["headers"]) =>
  Object.fromEntries(rows.filter((r) => r.name).map((r) => [r.name, r.value]));

const throttleInputOf = (v: EndpointFormValues) => ({
  rate_limit_per_second: v.rate_limit_per_second === "" ? null : Number(v.rate_limit_per_second),
  max_in_flight: Number(v.max_in_flight),
  ordering: v.ordering,
});

export function createInputOf(v: EndpointFormValues): CreateEndpointInput {
  return {
    name: v.name,
    url: v.url,
    event_types: v.event_types,
    filter: v.filter.trim() || null,
    channels: parseChannels(v.channels),
    description: v.description || null,
    headers_json: headersJsonOf(v.headers),
    timeout_seconds: Number(v.timeout_seconds),
    auth_token: v.auth_token || null,
    operator_events: v.operator_events,
    ...throttleInputOf(v),
  };
}

export function updateInputOf(v: EndpointFormValues): UpdateEndpointInput {
  const patch: UpdateEndpointInput = {
    name: v.name,
    url: v.url,
    event_types: v.event_types,
    filter: v.filter.trim() || null,
    channels: parseChannels(v.channels),
    description: v.description || null,
    headers_json: headersJsonOf(v.headers),
    timeout_seconds: Number(v.timeout_seconds),
    operator_events: v.operator_events,
    ...throttleInputOf(v),
  };
  if (v.auth_token_mode === "clear") patch.auth_token = null;
  else if (v.auth_token_mode === "set" && v.auth_token) patch.auth_token = v.auth_token;
  return patch;
}

/**
 * Puts the API's field errors on the form's fields (`event_types[0]` → Events,
 * `headers_json.X-Foo` → that header's row). Returns whether any error found a field.
 */
export function applyEndpointApiErrors(form: UseFormReturn<EndpointFormValues>, err: ApiError): boolean {
  let mapped = false;
  const set = (field: Parameters<typeof form.setError>[0], message: string) => {
    form.setError(field, { message }, { shouldFocus: !mapped });
    mapped = true;
  };
  for (const fe of err.errors ?? []) {
    if (fe.field.startsWith("headers_json")) {
      const headerName = fe.field.slice("headers_json.".length).toLowerCase();
      const rows = form.getValues("headers");
      const i = headerName ? rows.findIndex((r) => r.name.trim().toLowerCase() === headerName) : -1;
      if (i >= 0) set(`headers.${i}.name`, fe.message);
      else set("headers", fe.message);
      continue;
    }
    const root = fe.field.replace(/[[.].*$/, "");
    if (root === "event_types") set("event_types", fe.message);
    else if (root === "filter" || root === "channels") set(root, fe.message);
    else if (
      root === "name" || root === "url" || root === "description" || root === "timeout_seconds" || root === "auth_token" ||
      root === "rate_limit_per_second" || root === "max_in_flight" || root === "ordering"
    )
      set(root, fe.message);
  }
  return mapped;
}

export function EndpointFormFields({
  scoping,
  autoFocus,
  authTokenConfigured = false,
}: {
  scoping: Scoping;
  autoFocus?: boolean;
  /** The endpoint already has an auth token (edit only): offer keep / replace / remove. */
  authTokenConfigured?: boolean;
}) {
  const form = useFormContext<EndpointFormValues>();
  return (
    <div className="grid min-w-0 gap-5">
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          control={form.control}
          name="name"
          label="Name"
          placeholder="Billing backend"
          autoComplete="off"
          autoFocus={autoFocus}
        />
        <TextField
          control={form.control}
          name="url"
          label="URL"
          type="url"
          placeholder="https://example.com/webhooks"
          autoComplete="off"
        />
      </div>
      <FormField
        control={form.control}
        name="event_types"
        render={({ field }) => (
          <FormItem>
            <EventTypesControl scoping={scoping} value={field.value} onChange={field.onChange} />
          </FormItem>
        )}
      />
      <EndpointFilterFields />
      <FormField
        control={form.control}
        name="description"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Description</FormLabel>
            <FormControl>
              <Textarea {...field} rows={2} placeholder="Optional: what this endpoint is for" />
            </FormControl>
            <FormMessage />
          </FormItem>
        )}
      />
      <HeadersField />
      <div className="grid gap-5 sm:grid-cols-2">
        <FormField
          control={form.control}
          name="timeout_seconds"
          render={({ field }) => (
            <FormItem className="content-start">
              <FormLabel>Timeout (seconds)</FormLabel>
              <FormControl>
                <Input {...field} type="number" inputMode="numeric" min={1} max={30} step={1} />
              </FormControl>
              <FormDescription>How long to wait for an answer, 1 to 30. A timeout counts as a failure and is retried.</FormDescription>
              <FormMessage />
            </FormItem>
          )}
        />
        <AuthTokenField configured={authTokenConfigured} />
      </div>
      <FormField
        control={form.control}
        name="operator_events"
        render={({ field }) => (
          <FormItem>
            <div className="flex items-center gap-3">
              <FormControl>
                <Switch checked={field.value} onCheckedChange={field.onChange} />
              </FormControl>
              <FormLabel>Operator endpoint</FormLabel>
            </div>
            <FormDescription>
              Also send Gatehouse&apos;s own events here, signed like any other: an endpoint failing, disabled or recovered, deliveries that
              failed for good (at most one per endpoint per hour), credentials about to expire. Other endpoints get them only by selecting
              the gatehouse.* types above.
            </FormDescription>
          </FormItem>
        )}
      />
      <ThrottleFields />
    </div>
  );
}

// The throttle: how fast, how many at once, and in what order deliveries go to this endpoint,
// honoured by every Gatehouse process together.
function ThrottleFields() {
  const form = useFormContext<EndpointFormValues>();
  return (
    <fieldset className="grid gap-5 sm:grid-cols-3">
      <legend className="mb-2 text-sm font-medium">Throttle</legend>
      <FormField
        control={form.control}
        name="rate_limit_per_second"
        render={({ field }) => (
          <FormItem className="content-start">
            <FormLabel>Rate limit (deliveries per second)</FormLabel>
            <FormControl>
              <Input {...field} inputMode="decimal" placeholder="No limit" />
            </FormControl>
            <FormDescription>Blank for no limit; 0.5 is one every 2 seconds.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={form.control}
        name="max_in_flight"
        render={({ field }) => (
          <FormItem className="content-start">
            <FormLabel>Max in flight</FormLabel>
            <FormControl>
              <Input {...field} type="number" inputMode="numeric" min={1} max={MAX_IN_FLIGHT} step={1} />
            </FormControl>
            <FormDescription>Requests to this endpoint at once, 1 to {MAX_IN_FLIGHT}.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={form.control}
        name="ordering"
        render={({ field }) => (
          <FormItem className="content-start">
            <FormLabel>Ordering</FormLabel>
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full">
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                <SelectItem value="none">Any order</SelectItem>
                <SelectItem value="fifo">FIFO, one at a time</SelectItem>
              </SelectContent>
            </Select>
            <FormDescription>FIFO: each message waits until the previous one succeeded or failed for good.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
    </fieldset>
  );
}

// The checklist is a group, not one input: its label, description and error are wired by id.
function EventTypesControl(props: { scoping: Scoping; value: string[]; onChange: (v: string[]) => void }) {
  const { error, formDescriptionId, formMessageId } = useFormField();
  const catalog = useEventTypes(props.scoping);
  const labelId = useId();
  const selected = new Set(props.value);
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.value.filter((v) => v !== name), name] : props.value.filter((v) => v !== name));
  const known = catalog.data ?? [];
  // Subscriptions to types that were archived since stay visible, so they can be removed.
  const others = props.value.filter((v) => !known.some((t) => t.name === v));
  return (
    <>
      <p id={labelId} data-error={!!error} className="text-sm leading-none font-medium data-[error=true]:text-destructive">
        Events
      </p>
      <FormDescription>
        {props.value.length === 0
          ? "None selected: this endpoint receives all events, including types added later (but not Gatehouse's own gatehouse.* events)."
          : `Receives ${props.value.length} event type${props.value.length === 1 ? "" : "s"}. Clear them all to receive every event.`}
      </FormDescription>
      <div
        role="group"
        aria-labelledby={labelId}
        aria-describedby={error ? `${formDescriptionId} ${formMessageId}` : formDescriptionId}
        aria-invalid={!!error || undefined}
        className="grid max-h-56 gap-2.5 overflow-y-auto rounded-md border p-3 aria-invalid:border-destructive"
      >
        {catalog.isPending ? (
          <div className="grid gap-2" aria-busy="true">
            {Array.from({ length: 3 }, (_, i) => (
              <Skeleton key={i} className="h-8 w-full" />
            ))}
          </div>
        ) : catalog.error ? (
          <div role="alert" className="flex items-center justify-between gap-2 text-sm text-destructive">
            Could not load event types: {catalog.error.message}
            <Button type="button" variant="outline" size="sm" onClick={() => void catalog.refetch()}>
              Try again
            </Button>
          </div>
        ) : (
          <>
            {known.length === 0 && others.length === 0 ? (
              <p className="text-sm text-muted-foreground">No event types yet. Add them on the Event types tab.</p>
            ) : null}
            {known.map((t) => (
              <EventTypeOption
                key={t.name}
                name={t.name}
                description={t.description}
                checked={selected.has(t.name)}
                onToggle={toggle}
              />
            ))}
            {others.map((name) => (
              <EventTypeOption key={name} name={name} description="Archived: no new events of this type are accepted." checked onToggle={toggle} archived />
            ))}
          </>
        )}
      </div>
      <FormMessage />
    </>
  );
}

function EventTypeOption(props: {
  name: string;
  description: string;
  checked: boolean;
  archived?: boolean;
  onToggle: (name: string, on: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-2.5">
      <Checkbox
        id={id}
        checked={props.checked}
        onCheckedChange={(c) => props.onToggle(props.name, c === true)}
        aria-describedby={`${id}-desc`}
        className="mt-0.5"
      />
      <div className="grid min-w-0 gap-0.5">
        <label htmlFor={id} className="flex items-center gap-2 font-mono text-sm leading-none">
          {props.name}
          {props.archived ? <Badge variant="outline">Archived</Badge> : null}
        </label>
        <p id={`${id}-desc`} className="text-sm text-muted-foreground">
          {props.description}
        </p>
      </div>
    </div>
  );
}

function HeadersField() {
  const form = useFormContext<EndpointFormValues>();
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "headers" });
  const rootError = form.formState.errors.headers?.root?.message ?? form.formState.errors.headers?.message;
  const labelId = useId();
  return (
    <div role="group" aria-labelledby={labelId} className="grid gap-2">
      <p id={labelId} className="text-sm leading-none font-medium">
        Custom headers
      </p>
      <p className="text-sm text-muted-foreground">
        Sent with every delivery, for example to route or identify it. Signature, content and auth headers are set by
        Gatehouse. Values are stored encrypted and never shown again: a saved value shows as {MASKED_HEADER_VALUE}; leave it to
        keep it, or type a new one.
      </p>
      {fields.length > 0 ? (
        <ul className="grid gap-2">
          {fields.map((f, i) => (
            <li key={f.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              <FormField
                control={form.control}
                name={`headers.${i}.name`}
                render={({ field }) => (
                  <FormItem className="gap-1">
                    <FormControl>
                      <Input {...field} aria-label={`Header name ${i + 1}`} placeholder="X-Environment" autoComplete="off" spellCheck={false} className="font-mono text-xs" />
                    </FormControl>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name={`headers.${i}.value`}
                render={({ field }) => (
                  <FormItem className="gap-1">
                    <FormControl>
                      <Input {...field} aria-label={`Header value ${i + 1}`} placeholder="production" autoComplete="off" spellCheck={false} className="font-mono text-xs" />
                    </FormControl>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <Button type="button" variant="ghost" size="icon" aria-label={`Remove header ${i + 1}`} title="Remove header" onClick={() => remove(i)}>
                <X aria-hidden />
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {rootError ? (
        <p role="alert" className="text-sm text-destructive">
          {rootError}
        </p>
      ) : null}
      <Button
        type="button"
        variant="outline"
        size="sm"
        className="justify-self-start"
        disabled={fields.length >= MAX_CUSTOM_HEADERS}
        onClick={() => append({ name: "", value: "" }, { shouldFocus: true })}
      >
        <Plus aria-hidden />
        Add header
      </Button>
    </div>
  );
}

function AuthTokenField({ configured }: { configured: boolean }) {
  const form = useFormContext<EndpointFormValues>();
  const mode = useWatch({ control: form.control, name: "auth_token_mode" });
  if (configured && mode !== "set") {
    return (
      <div className="grid content-start gap-2">
        <p className="text-sm leading-none font-medium">Auth token</p>
        {mode === "keep" ? (
          <p className="text-sm">
            <Badge variant="secondary">Set</Badge>{" "}
            <span className="text-muted-foreground">Sent as Authorization: Bearer; never shown again.</span>
          </p>
        ) : (
          <p className="text-sm text-muted-foreground" role="status">
            The token will be removed when you save.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          {mode === "keep" ? (
            <>
              <Button type="button" variant="outline" size="sm" onClick={() => form.setValue("auth_token_mode", "set", { shouldDirty: true })}>
                Replace token
              </Button>
              <Button type="button" variant="outline" size="sm" onClick={() => form.setValue("auth_token_mode", "clear", { shouldDirty: true })}>
                Remove token
              </Button>
            </>
          ) : (
            <Button type="button" variant="outline" size="sm" onClick={() => form.setValue("auth_token_mode", "keep", { shouldDirty: true })}>
              Keep token
            </Button>
          )}
        </div>
      </div>
    );
  }
  return (
    <FormField
      control={form.control}
      name="auth_token"
      render={({ field }) => (
        <FormItem className="content-start">
          <FormLabel>{configured ? "New auth token" : "Auth token"}</FormLabel>
          <FormControl>
            <Input {...field} type="password" autoComplete="new-password" spellCheck={false} placeholder={configured ? "" : "Optional"} />
          </FormControl>
          <FormDescription>
            {configured ? (
              <>
                Replaces the current token.{" "}
                <button
                  type="button"
                  className="underline underline-offset-4 hover:text-foreground"
                  onClick={() => {
                    form.setValue("auth_token", "");
                    form.setValue("auth_token_mode", "keep");
                  }}
                >
                  Keep the current one
                </button>
              </>
            ) : (
              "Optional. Sent as Authorization: Bearer <token> with each delivery; stored encrypted, never shown again."
            )}
          </FormDescription>
          <FormMessage />
        </FormItem>
      )}
    />
  );
}
