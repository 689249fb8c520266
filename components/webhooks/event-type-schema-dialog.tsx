"use client";
// View and edit an event type's JSON schema. Before saving, "Check" validates the type's newest
// events (its real examples) against the draft, so a stricter schema shows what it would refuse;
// saving reports the same. Viewers see the schema read-only.
import { Braces } from "lucide-react";
import { Fragment, useId, useState } from "react";
import { toast } from "sonner";
import { useUpdateEventType, type Scoping } from "@/components/webhooks/queries";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import type { EventTypeUpdateResult, EventTypeView } from "@/lib/validations/webhooks";

type Parsed = { ok: true; schema: Record<string, unknown> | null } | { ok: false; message: string };

function parse(text: string): Parsed {
  if (text.trim() === "") return { ok: true, schema: null };
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return { ok: false, message: "A JSON Schema is a JSON object, like {\"type\": \"object\"}." };
    return { ok: true, schema: v as Record<string, unknown> };
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
}

const pretty = (schema: Record<string, unknown> | null) => (schema ? JSON.stringify(schema, null, 2) : "");

export function EventTypeSchemaDialog({ scoping, eventType: t, canManage }: { scoping: Scoping; eventType: EventTypeView; canManage: boolean }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(pretty(t.schema));
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<EventTypeUpdateResult["examples"] | null>(null);
  const update = useUpdateEventType(scoping, t.name);
  const id = useId();

  function onOpenChange(next: boolean) {
    if (update.isPending) return;
    setOpen(next);
    if (next) {
      setText(pretty(t.schema));
      setError(null);
      setCheck(null);
      update.reset();
    }
  }

  function send(checkOnly: boolean) {
    const parsed = parse(text);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(null);
    update.mutate(
      { schema: parsed.schema, check_only: checkOnly },
      {
        onSuccess: (r) => {
          setCheck(r.examples);
          if (!checkOnly) {
            toast.success(`Schema of ${t.name} saved`);
            if (r.examples.failing.length === 0) setOpen(false);
          }
        },
        onError: (err) => setError(err.message),
      },
    );
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`${canManage ? "Edit" : "View"} schema of ${t.name}`}>
          <Braces aria-hidden />
          {t.schema ? (canManage ? "Edit" : "View") : canManage ? "Add" : "None"}
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[92vh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Schema of {t.name}</DialogTitle>
          <DialogDescription>
            A JSON Schema (draft-07, or 2020-12 with its $schema) that the data of each new event must satisfy; events
            that do not are refused with 422. Empty: any data.
          </DialogDescription>
        </DialogHeader>
        <div className="grid min-w-0 gap-2">
          <Label htmlFor={`${id}-schema`}>JSON Schema</Label>
          <Textarea
            id={`${id}-schema`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            readOnly={!canManage}
            spellCheck={false}
            rows={14}
            className="font-mono text-xs"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {error ? (
            <p id={`${id}-error`} role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : null}
        </div>
        {check ? <ExampleCheck check={check} /> : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button type="button" variant="outline" disabled={update.isPending}>
              {canManage ? "Cancel" : "Close"}
            </Button>
          </DialogClose>
          {canManage ? (
            <>
              <Button type="button" variant="outline" disabled={update.isPending} onClick={() => send(true)}>
                {update.isPending && update.variables?.check_only ? <Spinner /> : null}
                Check against recent events
              </Button>
              <Button type="button" disabled={update.isPending} onClick={() => send(false)}>
                {update.isPending && !update.variables?.check_only ? <Spinner /> : null}
                Save schema
              </Button>
            </>
          ) : null}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ExampleCheck({ check }: { check: EventTypeUpdateResult["examples"] }) {
  if (check.checked === 0) {
    return <p role="status" className="text-sm text-muted-foreground">No events of this type yet, so there was nothing to check.</p>;
  }
  if (check.failing.length === 0) {
    return (
      <p role="status" className="text-sm">
        All {check.checked} recent events of this type pass this schema.
      </p>
    );
  }
  return (
    <div role="status" className="grid gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
      <p className="font-medium">
        {check.failing.length} of the {check.checked} recent events would be refused by this schema:
      </p>
      <dl className="grid max-h-48 gap-1 overflow-y-auto font-mono text-xs">
        {check.failing.map((f) => (
          <Fragment key={f.event_id}>
            <dt className="font-semibold break-all">{f.event_id}</dt>
            <dd className="mb-1 break-all">{f.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}</dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}
