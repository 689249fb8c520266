"use client";
// Dates in the viewer's locale and time zone. The server knows neither, so the first (server and
// hydration) render shows UTC and the browser swaps in its own form after hydration.
// (Same approach as the credentials pages; features keep their own copy, see CONVENTIONS.md.)
import { useSyncExternalStore } from "react";

const noopSubscribe = () => () => {};
const useHydrated = () =>
  useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });

const utc = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function LocalTime({ iso, className }: { iso: string; className?: string }) {
  const hydrated = useHydrated();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={hydrated ? exactFormat.format(date) : utc(iso)} className={className}>
      {hydrated ? dateTimeFormat.format(date) : utc(iso)}
    </time>
  );
}
