// Credentials that expire within 30, 7 or 1 day(s), above the credentials table: who to rotate
// before something breaks.
import { CalendarClock } from "lucide-react";
import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";

export type ExpiryReminder = { id: string; name: string; expires_at: string; within_days: 1 | 7 | 30 };

const LABEL: Record<ExpiryReminder["within_days"], string> = { 1: "within a day", 7: "within 7 days", 30: "within 30 days" };

export function ExpiryReminders({ reminders }: { reminders: ExpiryReminder[] }) {
  if (!reminders.length) return null;
  const urgent = reminders.some((r) => r.within_days <= 7);
  return (
    <section
      aria-label="Credentials expiring soon"
      className={`grid gap-2 rounded-md border p-4 text-sm ${urgent ? "border-amber-500/60" : ""}`}
    >
      <h2 className="flex items-center gap-2 font-medium">
        <CalendarClock aria-hidden className="size-4 text-amber-600 dark:text-amber-400" />
        {reminders.length === 1 ? "1 credential expires" : `${reminders.length} credentials expire`} within 30 days
      </h2>
      <p className="text-muted-foreground">Create a replacement and roll it out before they stop working; expired credentials cannot be renewed.</p>
      <ul className="grid gap-1">
        {reminders.map((r) => (
          <li key={r.id} className="flex flex-wrap items-baseline gap-x-2">
            <Link href={`/settings/organization/credentials/${r.id}`} className="font-medium underline-offset-4 hover:underline">
              {r.name}
            </Link>
            <span className={r.within_days <= 7 ? "text-amber-700 dark:text-amber-400" : "text-muted-foreground"}>
              expires {LABEL[r.within_days]} (<LocalTime iso={r.expires_at} format="datetime" />)
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
