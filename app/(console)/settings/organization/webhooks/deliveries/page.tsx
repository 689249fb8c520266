import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { Suspense } from "react";
import { DeliveriesExplorer } from "@/components/deliveries/deliveries-explorer";
import { ReplayFailedButton } from "@/components/deliveries/lazy";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";
import { listEndpoints } from "@/lib/webhooks/get-endpoints";
import { listEventTypes } from "@/lib/webhooks/event-types";

export const metadata: Metadata = { title: "Deliveries" };

// Every delivery of the current environment, found by id, endpoint, event type, status and time
// (filters in the URL); it opens on the failed ones, so an admin sees at a glance what needs
// action. Developers and above replay them, one or all since a time.
export default async function DeliveriesPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const canReplay = hasRole(ctx.role, "developer");
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const scopeKey = `${ctx.org.id}:${ctx.environment}`;
  const [endpointRows, eventTypes] = await Promise.all([
    listEndpoints({ ...scoping, limit: 100 }),
    listEventTypes({ ...scoping, archived: "all", limit: 200 }),
  ]);
  const endpoints = endpointRows.slice(0, 100).map((e) => ({ id: e.id, name: e.name }));
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
        title="Deliveries"
        description={
          <>
            Every event sent to every endpoint, with each attempt. Find one by its id (the webhook-id header), or filter;
            the Failed tab lists what still failed after its last retry.
            {canReplay ? null : " You can look; developers, admins and owners replay."}
          </>
        }
        actions={
          canReplay ? (
            <Suspense>
              <ReplayFailedButton key={scopeKey} scoping={scoping} filterEndpoints={endpoints} />
            </Suspense>
          ) : null
        }
      />
      <Suspense>
        <DeliveriesExplorer
          key={scopeKey}
          scoping={scoping}
          canReplay={canReplay}
          endpoints={endpoints}
          eventTypes={eventTypes.slice(0, 200).map((t) => t.name)}
        />
      </Suspense>
    </div>
  );
}
