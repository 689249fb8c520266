"use client";
// What this credential caused: the events posted with its access tokens (each a link), their
// deliveries by status, and how many changes it made (audit entries with it as actor).
import Link from "next/link";
import { useCredentialActivity, type Scoping } from "@/components/credentials/queries";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Skeleton } from "@/components/ui/skeleton";

export function CredentialActivityCard({ scoping, id }: { scoping: Scoping; id: string }) {
  const q = useCredentialActivity(scoping, id);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Caused by this credential</CardTitle>
        <CardDescription>Events posted with its access tokens, their deliveries, and the changes it made through the API.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 pt-2 text-sm">
        {q.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : q.isError ? (
          <p role="alert" className="text-destructive">
            Could not load the activity: {q.error.message}
          </p>
        ) : (
          <>
            <dl className="grid gap-4 sm:grid-cols-3">
              <div className="grid gap-1">
                <dt className="text-muted-foreground">Events</dt>
                <dd className="text-xl font-semibold tabular-nums">{q.data.events.total}</dd>
              </div>
              <div className="grid gap-1">
                <dt className="text-muted-foreground">Deliveries</dt>
                <dd>
                  <span className="text-xl font-semibold tabular-nums">{q.data.deliveries.total}</span>
                  {q.data.deliveries.failed ? <span className="text-destructive"> ({q.data.deliveries.failed} failed)</span> : null}
                </dd>
              </div>
              <div className="grid gap-1">
                <dt className="text-muted-foreground">Changes (audit log)</dt>
                <dd className="text-xl font-semibold tabular-nums">{q.data.changes.length}</dd>
              </div>
            </dl>
            {q.data.events.recent.length ? (
              <ul className="grid gap-1" aria-label="Recent events posted by this credential">
                {q.data.events.recent.map((e) => (
                  <li key={e.id} className="flex flex-wrap items-center gap-2">
                    <Link
                      href={`/settings/organization/webhooks/events/${encodeURIComponent(e.id)}`}
                      className="font-mono text-xs underline-offset-4 hover:underline focus-visible:underline focus-visible:outline-none"
                    >
                      {e.id}
                    </Link>
                    <code className="text-xs">{e.type}</code>
                    <span className="text-muted-foreground">
                      <LocalTime iso={e.created_at} format="relative" />
                      {e.caused_by?.ip ? ` from ${e.caused_by.ip}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-muted-foreground">No events posted with this credential yet.</p>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
