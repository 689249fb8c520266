import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { DeliveryList } from "@/components/deliveries/delivery-list";
import { InOtherModePanel } from "@/components/layout/not-found-panel";
import { PageHeader } from "@/components/layout/page-header";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime } from "@/components/ui/local-time";
import { AppError } from "@/lib/api/errors";
import { getConsoleContext } from "@/lib/auth/session";
import { getEventWithDeliveries } from "@/lib/events/get-events";
import { causeView } from "@/lib/events/views";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Event" };

// One event: its ids, payload, and its deliveries (live), each opening its attempts.
export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const event = await getEventWithDeliveries({ ...scoping, id }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
  if (!event) {
    const other = ctx.environment === "live" ? "test" : "live";
    const there = await getEventWithDeliveries({ orgId: ctx.org.id, environment: other, id }).catch(() => null);
    if (there) return <InOtherModePanel what="event" mode={other} />;
    notFound();
  }
  const cause = causeView(event);
  return (
    <div className="grid min-w-0 gap-6">
      <Link
        href="/settings/organization/webhooks/events"
        className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to events
      </Link>
      <PageHeader title={`Event ${event.type}`} description="An event and its deliveries, one per endpoint subscribed when it was sent." />
      <dl className="grid min-w-0 gap-x-6 gap-y-3 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-muted-foreground">Event id</dt>
        <dd className="flex min-w-0 items-center gap-1">
          <code className="truncate font-mono text-xs" title={event.id}>
            {event.id}
          </code>
          <CopyButton value={event.id} label="Copy event id" className="size-7" />
        </dd>
        {event.idempotencyKey ? (
          <>
            <dt className="text-muted-foreground">Your id</dt>
            <dd className="flex min-w-0 items-center gap-1">
              <code className="truncate font-mono text-xs" title={event.idempotencyKey}>
                {event.idempotencyKey}
              </code>
              <CopyButton value={event.idempotencyKey} label="Copy your event id" className="size-7" />
            </dd>
          </>
        ) : null}
        <dt className="text-muted-foreground">Created</dt>
        <dd>
          <LocalTime iso={event.createdAt.toISOString()} format="datetime" />
        </dd>
        {cause ? (
          <>
            <dt className="text-muted-foreground">Caused by</dt>
            <dd className="text-sm">
              {cause.type === "credential" && cause.id ? (
                <>
                  credential{" "}
                  <Link href={`/settings/organization/credentials/${encodeURIComponent(cause.id)}`} className="font-medium underline-offset-4 hover:underline">
                    {cause.label}
                  </Link>
                </>
              ) : cause.type === "user" ? (
                <>member {cause.label}</>
              ) : cause.type === "inbound" ? (
                <>incoming webhook {cause.label}</>
              ) : (
                <>Gatehouse</>
              )}
              {cause.ip ? <span className="text-muted-foreground"> from {cause.ip}</span> : null}
              {cause.verified ? null : <span className="text-destructive"> (changed since it was stored)</span>}
            </dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="event-payload" className="grid min-w-0 gap-2">
        <h2 id="event-payload" className="text-base font-semibold">
          Payload
        </h2>
        <CodeBlock code={JSON.stringify(event.payload, null, 2)} label="Copy payload" codeLabel="Event payload" className="max-h-96" />
      </section>
      <section aria-labelledby="event-deliveries" className="grid min-w-0 gap-2">
        <h2 id="event-deliveries" className="text-base font-semibold">
          Deliveries
        </h2>
        <DeliveryList scoping={scoping} canReplay={hasRole(ctx.role, "developer")} filter={{ eventId: event.id }} />
      </section>
    </div>
  );
}
