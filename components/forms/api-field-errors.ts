"use client";
// The one way a form shows what the API refused: each field error of a problem+json answer
// ("scopes[0]", "expires_at", "filter.and.0") goes on the form field it belongs to, the first
// one focused; anything the form has no field for is toasted as the answer's message.
import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import { toast } from "sonner";
import { ApiError } from "@/lib/api/fetch-api";

export type ApiFieldMapping<T extends FieldValues> = {
  /** The form fields that take an API field of the same name. */
  fields: readonly FieldPath<T>[];
  /** API fields the form names otherwise (`expires_at` → `expires_on`). */
  rename?: Partial<Record<string, FieldPath<T>>>;
  /** Keep the API's path in front of a nested field's message (`schema.properties: …`). */
  withPath?: boolean;
};

/** Puts the API's field errors on the form; true when at least one found its field. */
export function applyApiFieldErrors<T extends FieldValues>(setError: UseFormSetError<T>, err: unknown, map: ApiFieldMapping<T>): boolean {
  if (!(err instanceof ApiError)) return false;
  const placed = new Set<string>();
  for (const fe of err.errors ?? []) {
    const root = fe.field.replace(/[[.].*$/, "");
    const field = map.rename?.[root] ?? (map.fields.includes(root as FieldPath<T>) ? (root as FieldPath<T>) : null);
    // The first message for a field is the one shown.
    if (!field || placed.has(field)) continue;
    const message = map.withPath && fe.field !== root ? `${fe.field}: ${fe.message}` : fe.message;
    setError(field, { message }, { shouldFocus: placed.size === 0 });
    placed.add(field);
  }
  return placed.size > 0;
}

/** applyApiFieldErrors, then one toast: where to look, or the answer's message. */
export function showApiError<T extends FieldValues>(setError: UseFormSetError<T>, err: Error, map: ApiFieldMapping<T>): boolean {
  const mapped = applyApiFieldErrors(setError, err, map);
  toast.error(mapped ? "Check the highlighted fields." : err.message);
  return mapped;
}
