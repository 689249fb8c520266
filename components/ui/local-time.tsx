"use client";
// Dates in the viewer's locale and time zone, shared by every feature. The server does not know either, so the first
// (server and hydration) render shows a fixed UTC form and the browser swaps in its own after
// hydration, without a mismatch.
import { formatRelative } from "@/components/ui/time-format";
import { useHydrated } from "@/components/ui/use-hydrated";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });
function utc(iso: string, withTime: boolean): string {
  const s = new Date(iso).toISOString();
  return withTime ? `${s.slice(0, 16).replace("T", " ")} UTC` : s.slice(0, 10);
}

type Props = {
  iso: string;
  /** date: "May 5, 2026"; datetime: with the time; relative: "3 minutes ago" (exact time in the title). */
  format?: "date" | "datetime" | "relative";
  className?: string;
};

export function LocalTime({ iso, format = "date", className }: Props) {
  const hydrated = useHydrated();
  const date = new Date(iso);
  const text = !hydrated
    ? utc(iso, format !== "date")
    : format === "date"
      ? dateFormat.format(date)
      : format === "datetime"
        ? dateTimeFormat.format(date)
        : formatRelative(iso);
  return (
    <time dateTime={iso} title={hydrated ? exactFormat.format(date) : utc(iso, true)} className={className}>
      {text}
    </time>
  );
}
