"use client";
// The scope checklist of the create dialog: built-in scopes, then the organization's own, each
// with its description; and an inline form to define a custom scope (checked once added).
// The inline form is not a <form>: it sits inside the create form, and forms cannot nest.
import { Plus } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { useCreateScope, useScopes, type Scope } from "@/components/credentials/queries";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { FormDescription, FormMessage, useFormField } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { ApiError } from "@/lib/api/fetch-api";
import { isBuiltInScope, presetOf, SCOPE_PRESETS } from "@/lib/credentials/scopes";
import { createScopeSchema } from "@/lib/validations/credentials";

type Props = {
  orgId: string;
  value: string[];
  onChange: (scopes: string[]) => void;
  /** Ids of the error/description texts, from the surrounding form field. */
  describedBy?: string;
  invalid?: boolean;
};

export function ScopePicker({ orgId, value, onChange, describedBy, invalid }: Props) {
  const scopes = useScopes(orgId);
  const groupId = useId();
  const selected = new Set(value);
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...value.filter((v) => v !== name), name] : value.filter((v) => v !== name));

  const builtIn = (scopes.data ?? []).filter((s) => s.built_in);
  const custom = (scopes.data ?? []).filter((s) => !s.built_in);

  // A preset replaces the built-in scopes ticked so far and keeps the custom ones.
  const applyPreset = (scopes: string[]) => onChange([...value.filter((v) => !isBuiltInScope(v)), ...scopes]);
  const activePreset = presetOf(value.filter(isBuiltInScope));

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Scope presets">
        {SCOPE_PRESETS.map((p) => (
          <Button
            key={p.id}
            type="button"
            variant="outline"
            size="sm"
            aria-pressed={activePreset === p.id}
            title={p.scopes.join(", ")}
            onClick={() => applyPreset(p.scopes)}
          >
            {p.label}
          </Button>
        ))}
      </div>
      <div
        role="group"
        aria-labelledby={`${groupId}-label`}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        className="grid max-h-72 gap-3 overflow-y-auto rounded-md border p-3 aria-invalid:border-destructive"
      >
        <span id={`${groupId}-label`} className="sr-only">
          Scopes
        </span>
        {scopes.isPending ? (
          <div className="grid gap-2" aria-busy="true">
            {Array.from({ length: 4 }, (_, i) => (
              <Skeleton key={i} className="h-8 w-full" />
            ))}
          </div>
        ) : scopes.error ? (
          <div role="alert" className="flex items-center justify-between gap-2 text-sm text-destructive">
            Could not load scopes: {scopes.error.message}
            <Button type="button" variant="outline" size="sm" onClick={() => void scopes.refetch()}>
              Try again
            </Button>
          </div>
        ) : (
          <>
            <ScopeGroup title="Gatehouse API" scopes={builtIn} selected={selected} onToggle={toggle} />
            <ScopeGroup
              title="Custom scopes"
              scopes={custom}
              selected={selected}
              onToggle={toggle}
              empty="None yet. Add one below for your own services; they check tokens at /oauth/introspect."
            />
          </>
        )}
      </div>
      <AddCustomScope orgId={orgId} onAdded={(s) => toggle(s.name, true)} />
    </div>
  );
}

function ScopeGroup(props: {
  title: string;
  scopes: Scope[];
  selected: Set<string>;
  onToggle: (name: string, on: boolean) => void;
  empty?: string;
}) {
  const id = useId();
  return (
    <fieldset className="grid gap-1.5">
      <legend className="mb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">{props.title}</legend>
      {props.scopes.length === 0 && props.empty ? <p className="text-sm text-muted-foreground">{props.empty}</p> : null}
      {props.scopes.map((s) => {
        const cid = `${id}-${s.name}`;
        return (
          <div key={s.name} className="flex items-start gap-2.5 rounded-sm py-0.5">
            <Checkbox
              id={cid}
              className="mt-0.5"
              checked={props.selected.has(s.name)}
              onCheckedChange={(c) => props.onToggle(s.name, c === true)}
              aria-describedby={`${cid}-desc`}
            />
            <div className="grid gap-0.5 leading-none">
              <Label htmlFor={cid} className="font-mono text-sm font-medium">
                {s.name}
              </Label>
              <span id={`${cid}-desc`} className="text-xs text-muted-foreground">
                {s.description}
              </span>
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}

function AddCustomScope({ orgId, onAdded }: { orgId: string; onAdded: (s: Scope) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<{ name?: string; description?: string; form?: string }>({});
  const create = useCreateScope(orgId);
  const id = useId();

  function add() {
    const parsed = createScopeSchema.safeParse({ name: name.trim(), description });
    if (!parsed.success) {
      const e: typeof errors = {};
      for (const issue of parsed.error.issues) {
        const k = issue.path[0] === "name" ? "name" : "description";
        e[k] ??= issue.message;
      }
      setErrors(e);
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (s) => {
        toast.success(`Scope ${s.name} added`);
        onAdded(s);
        setName("");
        setDescription("");
        setOpen(false);
      },
      onError: (err) => {
        const e: typeof errors = {};
        if (err instanceof ApiError) {
          for (const fe of err.errors ?? []) {
            if (fe.field === "name" || fe.field === "description") e[fe.field] ??= fe.message;
          }
        }
        if (!e.name && !e.description) e.form = err.message;
        setErrors(e);
        toast.error(err.message);
      },
    });
  }

  // Enter adds the scope instead of submitting the surrounding create form.
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      add();
    }
  };

  if (!open) {
    return (
      <Button type="button" variant="outline" size="sm" className="justify-self-start" onClick={() => setOpen(true)}>
        <Plus aria-hidden />
        Add custom scope
      </Button>
    );
  }
  return (
    <div role="group" aria-label="Add custom scope" className="grid gap-3 rounded-md border border-dashed p-3">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-name`}>Scope name</Label>
          <Input
            id={`${id}-name`}
            value={name}
            autoFocus
            placeholder="reports:read"
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            aria-invalid={!!errors.name || undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={onKeyDown}
          />
          {errors.name ? (
            <p id={`${id}-name-error`} className="text-sm text-destructive">
              {errors.name}
            </p>
          ) : null}
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-description`}>Scope description</Label>
          <Input
            id={`${id}-description`}
            value={description}
            placeholder="Read reports from the billing service"
            autoComplete="off"
            aria-invalid={!!errors.description || undefined}
            aria-describedby={errors.description ? `${id}-description-error` : undefined}
            onChange={(e) => setDescription(e.target.value)}
            onKeyDown={onKeyDown}
          />
          {errors.description ? (
            <p id={`${id}-description-error`} className="text-sm text-destructive">
              {errors.description}
            </p>
          ) : null}
        </div>
      </div>
      {errors.form ? (
        <p role="alert" className="text-sm text-destructive">
          {errors.form}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button
          type="button"
          variant="ghost"
          size="sm"
          disabled={create.isPending}
          onClick={() => {
            setOpen(false);
            setErrors({});
          }}
        >
          Cancel
        </Button>
        <Button type="button" size="sm" disabled={create.isPending} onClick={add}>
          {create.isPending ? <Spinner /> : null}
          Add scope
        </Button>
      </div>
    </div>
  );
}

// The checklist is a group, not one input: its label, description and error are wired by id.
// For a react-hook-form field of the create and edit dialogs (inside a FormItem).
export function ScopesControl(props: { orgId: string; value: string[]; onChange: (v: string[]) => void }) {
  const { error, formDescriptionId, formMessageId } = useFormField();
  return (
    <>
      <p data-error={!!error} className="text-sm leading-none font-medium data-[error=true]:text-destructive">
        Scopes
      </p>
      <FormDescription>What its tokens may do. Pick at least one, or start from a preset.</FormDescription>
      <ScopePicker
        orgId={props.orgId}
        value={props.value}
        onChange={props.onChange}
        invalid={!!error}
        describedBy={error ? `${formDescriptionId} ${formMessageId}` : formDescriptionId}
      />
      <FormMessage />
    </>
  );
}
