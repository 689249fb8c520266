"use client";
// The credential expiry field of the create and edit dialogs: a date (works through the end of
// that day, local time), with presets of 30, 90 and 365 days and Never.
import type { Control, FieldPath, FieldValues } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";

export const EXPIRY_PRESET_DAYS = [30, 90, 365] as const;

function ymd(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** YYYY-MM-DD of today in the viewer's time zone (the date input's own format). */
export function today(): string {
  return ymd(new Date());
}

/** YYYY-MM-DD `days` from today, local time. */
export function daysFromToday(days: number, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return ymd(d);
}

/** A credential that "expires on May 5" works through May 5: the end of that day, local time. */
export function endOfLocalDay(date: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y!, m! - 1, d!, 23, 59, 59, 999);
}

/** The date input's value for an ISO expiry (local day), or "" for never. */
export function expiresOnOf(iso: string | null): string {
  return iso ? ymd(new Date(iso)) : "";
}

/** Zod refinements for the field's string value. */
export const expiresOnRules = {
  format: (v: string) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v),
  notPast: (v: string) => v === "" || v >= today(),
};

export function ExpiryField<T extends FieldValues>({ control, name }: { control: Control<T>; name: FieldPath<T> }) {
  return (
    <FormField
      control={control}
      name={name}
      render={({ field }) => (
        <FormItem className="content-start">
          <FormLabel>Expires</FormLabel>
          <FormControl>
            <Input {...field} type="date" min={today()} />
          </FormControl>
          <div className="flex flex-wrap gap-1.5" role="group" aria-label="Expiry presets">
            {EXPIRY_PRESET_DAYS.map((days) => (
              <Button
                key={days}
                type="button"
                variant="outline"
                size="sm"
                aria-pressed={field.value === daysFromToday(days)}
                onClick={() => field.onChange(daysFromToday(days))}
              >
                {days} days
              </Button>
            ))}
            <Button type="button" variant="outline" size="sm" aria-pressed={field.value === ""} onClick={() => field.onChange("")}>
              Never
            </Button>
          </div>
          <FormDescription>Optional. Empty: never. Works through the end of that day.</FormDescription>
          <FormMessage />
        </FormItem>
      )}
    />
  );
}
