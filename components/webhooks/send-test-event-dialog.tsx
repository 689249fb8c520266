"use client";
// "Send test event": posts an event of a chosen type with an editable JSON payload through
// POST /api/v1/endpoints/{id}/test, which delivers it to this endpoint only.
import { useId, useState } from "react";
import { toast } from "sonner";
import { useEventTypes, useSendEvent, type Scoping } from "@/components/webhooks/queries";
import { FormDialogFooter } from "@/components/forms/form-dialog-footer";
import { SendTestEventButton } from "@/components/webhooks/triggers";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { ApiError } from "@/lib/api/fetch-api";
import type { EndpointView, EventTypeView } from "@/lib/validations/webhooks";

export const TEST_EVENT_TYPE = "webhook.test";

/** A sample payload: a message for webhook.test, else one example value per top-level schema property. */
export function samplePayload(t: Pick<EventTypeView, "name" | "schema"> | undefined, endpointId: string): string {
  if (!t || !t.schema || typeof t.schema.properties !== "object" || t.schema.properties === null) {
    return JSON.stringify({ message: "Test event from the Gatehouse console", endpoint_id: endpointId }, null, 2);
  }
  const sample: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(t.schema.properties as Record<string, { type?: unknown }>)) {
    const type = Array.isArray(prop?.type) ? prop.type[0] : prop?.type;
    sample[key] =
      type === "integer" || type === "number" ? 0 : type === "boolean" ? true : type === "array" ? [] : type === "object" ? {} : "example";
  }
  return JSON.stringify(sample, null, 2);
}

function parsePayload(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, message: "The payload must be a JSON object, like {\"key\": \"value\"}." };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
}

export function SendTestEventDialog({ scoping, endpoint, defaultOpen = false }: { scoping: Scoping; endpoint: EndpointView; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const catalog = useEventTypes(scoping);
  const send = useSendEvent(endpoint.id);
  // The types this endpoint receives: its subscriptions, or the whole catalog when it takes all.
  const types = (catalog.data ?? []).filter((t) => endpoint.event_types.length === 0 || endpoint.event_types.includes(t.name));
  const defaultType = types.find((t) => t.name === TEST_EVENT_TYPE)?.name ?? types[0]?.name ?? "";
  const [type, setType] = useState<string | null>(null);
  const [payload, setPayload] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const typeId = useId();
  const payloadId = useId();
  const errorId = useId();

  const selectedType = type ?? defaultType;
  const payloadText = payload ?? samplePayload(types.find((t) => t.name === selectedType), endpoint.id);

  function onOpenChange(next: boolean) {
    if (send.isPending) return;
    setOpen(next);
    if (!next) {
      setType(null);
      setPayload(null);
      setError(null);
      send.reset();
    }
  }

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!selectedType) return setError("Pick an event type.");
    const parsed = parsePayload(payloadText);
    if (!parsed.ok) {
      setError(parsed.message);
      document.getElementById(payloadId)?.focus();
      return;
    }
    setError(null);
    send.mutate(
      { type: selectedType, data: parsed.value },
      {
        onSuccess: (r) => {
          toast.success(`Test event sent: ${r.deliveries} ${r.deliveries === 1 ? "delivery" : "deliveries"}`, {
            description: endpoint.status === "PAUSED" ? "This endpoint is paused: its delivery is held until you resume." : r.id,
          });
          setOpen(false);
          setType(null);
          setPayload(null);
          send.reset();
        },
        onError: (err) => {
          const fieldErrors = err instanceof ApiError ? (err.errors ?? []) : [];
          setError(fieldErrors.length ? fieldErrors.map((f) => `${f.field}: ${f.message}`).join("; ") : err.message);
        },
      },
    );
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <SendTestEventButton />
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <form onSubmit={onSubmit} noValidate className="grid min-w-0 gap-4">
          <DialogHeader>
            <DialogTitle>Send test event</DialogTitle>
            <DialogDescription>
              Sends a real, signed event to this endpoint only, with the same retries as any other delivery. Other
              endpoints do not receive it.
            </DialogDescription>
          </DialogHeader>
          <div className="grid gap-2">
            <Label htmlFor={typeId}>Event type</Label>
            <Select
              value={selectedType}
              onValueChange={(v) => {
                setType(v);
                setPayload(null);
              }}
              disabled={catalog.isPending || types.length === 0}
            >
              <SelectTrigger id={typeId} className="w-full font-mono">
                <SelectValue placeholder={catalog.isPending ? "Loading event types…" : "No event types"} />
              </SelectTrigger>
              <SelectContent>
                {types.map((t) => (
                  <SelectItem key={t.name} value={t.name} className="font-mono">
                    {t.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            {!catalog.isPending && types.length === 0 ? (
              <p className="text-sm text-muted-foreground">This endpoint subscribes to no active event type.</p>
            ) : null}
          </div>
          <div className="grid gap-2">
            <Label htmlFor={payloadId}>Payload</Label>
            <Textarea
              id={payloadId}
              value={payloadText}
              onChange={(e) => {
                setPayload(e.target.value);
                setError(null);
              }}
              rows={8}
              spellCheck={false}
              className="font-mono text-xs"
              aria-invalid={!!error || undefined}
              aria-describedby={error ? errorId : undefined}
            />
            <p className="text-sm text-muted-foreground">A JSON object, sent as the event&apos;s data.</p>
            {error ? (
              <p id={errorId} role="alert" className="text-sm text-destructive">
                {error}
              </p>
            ) : null}
          </div>
          <FormDialogFooter pending={send.isPending} submitLabel="Send test event" pendingLabel="Sending" disabled={!selectedType} />
        </form>
      </DialogContent>
    </Dialog>
  );
}
