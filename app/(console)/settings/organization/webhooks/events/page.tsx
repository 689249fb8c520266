import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { Suspense } from "react";
import { EventList } from "@/components/deliveries/event-list";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { listEventTypes } from "@/lib/webhooks/event-types";

export const metadata: Metadata = { title: "Events" };

// Every event of the current environment with its fan-out (deliveries and how they stand).
export default async function EventsPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const eventTypes = await listEventTypes({ ...scoping, archived: "all", limit: 200 });
  return (
    <div className="grid gap-6">
      <Link
        href="/settings/organization/webhooks"
        className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to webhooks
      </Link>
      <PageHeader
        title="Events"
        description="Every event sent in this mode, newest first, with one delivery per subscribed endpoint and how each stands. Open one for its payload and deliveries."
      />
      <Suspense>
        <EventList key={`${ctx.org.id}:${ctx.environment}`} scoping={scoping} eventTypes={eventTypes.slice(0, 200).map((t) => t.name)} />
      </Suspense>
    </div>
  );
}
