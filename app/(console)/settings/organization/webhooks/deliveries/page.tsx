import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DeliveryList } from "@/components/deliveries/delivery-list";
import { ReplayFailedButton } from "@/components/deliveries/replay-failed-button";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Failed deliveries" };

// Failed deliveries across every endpoint of the current environment, so an admin sees at a
// glance what needs action; developers and above replay them, one or all since a time.
export default async function FailedDeliveriesPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect("/sign-in");
  const canReplay = hasRole(ctx.role, "developer");
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const scopeKey = `${ctx.org.id}:${ctx.environment}`;
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
        title="Failed deliveries"
        description={
          <>
            Deliveries to any endpoint that still failed after their last retry. Open one to see each attempt, then
            replay it once the endpoint is fixed.
            {canReplay ? null : " You can look; developers, admins and owners replay."}
          </>
        }
        actions={canReplay ? <ReplayFailedButton key={scopeKey} scoping={scoping} /> : null}
      />
      <DeliveryList key={scopeKey} scoping={scoping} defaultStatus="failed" canReplay={canReplay} />
    </div>
  );
}
