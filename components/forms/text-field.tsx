"use client";
// One labelled input wired to react-hook-form, so forms stay a list of fields.
import type { Control, FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import { FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";

export function TextField<T extends FieldValues>(props: {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  type?: string;
  autoComplete?: string;
  placeholder?: string;
  description?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}) {
  return (
    <FormField
      control={props.control}
      name={props.name}
      render={({ field }) => (
        <FormItem>
          <FormLabel>{props.label}</FormLabel>
          <FormControl>
            <Input
              {...field}
              value={field.value ?? ""}
              type={props.type ?? "text"}
              autoComplete={props.autoComplete}
              placeholder={props.placeholder}
              autoFocus={props.autoFocus}
              disabled={props.disabled}
            />
          </FormControl>
          {props.description ? <FormDescription>{props.description}</FormDescription> : null}
          <FormMessage />
        </FormItem>
      )}
    />
  );
}

/** Copies server-side field errors onto the form. */
export function applyFieldErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  errors: Record<string, string> | undefined,
) {
  for (const [k, v] of Object.entries(errors ?? {})) setError(k as FieldPath<T>, { message: v });
}
