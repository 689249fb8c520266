import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { DeliveryList } from "@/components/deliveries/delivery-list";
import { DeliveryOutcomeChart } from "@/components/deliveries/delivery-outcome-chart";
import { EndpointDetailView } from "@/components/webhooks/endpoint-detail";
import { InOtherModePanel } from "@/components/layout/not-found-panel";
import { AppError } from "@/lib/api/errors";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";
import { getEndpoint } from "@/lib/webhooks/get-endpoints";
import { endpointViewWithHealth } from "@/lib/webhooks/views";
import { HydrationBoundary } from "@tanstack/react-query";
import { firstPage, queryState } from "@/components/query-state";
import { DELIVERIES_PAGE_SIZE, deliveryKeys } from "@/components/deliveries/query-keys";
import { paginate } from "@/lib/api/pagination";
import { getDeliveryStats } from "@/lib/deliveries/delivery-stats";
import { deliveryView, listDeliveries } from "@/lib/deliveries/get-deliveries";

export const metadata: Metadata = { title: "Endpoint" };

export default async function EndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  // Loaded here so an unknown id (or one of another org or environment) is a real 404.
  const endpoint = await getEndpoint({ orgId: ctx.org.id, environment: ctx.environment, id }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
  if (!endpoint) {
    // A link to the other mode's endpoint (shared, or the mode switched on this page): offer to switch.
    const other = ctx.environment === "live" ? "test" : "live";
    const there = await getEndpoint({ orgId: ctx.org.id, environment: other, id }).catch(() => null);
    if (there) return <InOtherModePanel what="endpoint" mode={other} />;
    notFound();
  }
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  // What the Deliveries section shows first, as the API answers it (GET /api/v1/endpoints/{id}/stats
  // ?window=24h and GET /api/v1/deliveries?endpoint_id=…), comes with the page under the queries'
  // own keys: the chart and the list are painted with the HTML, not after hydration and two
  // fetches; live from there (components/live.ts). The list is one markup at every width (a table
  // that CSS lays out as cards below 768 px), so hydration keeps the server's rows as they are.
  const [health, outcomes, rows] = await Promise.all([
    endpointViewWithHealth(endpoint),
    getDeliveryStats({ ...scoping, endpointId: endpoint.id, window: "24h" }),
    listDeliveries({ ...scoping, endpointId: endpoint.id, limit: DELIVERIES_PAGE_SIZE }),
  ]);
  const list = paginate(rows, DELIVERIES_PAGE_SIZE, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }), deliveryView);
  const seeded = queryState([
    [deliveryKeys.outcomes(scoping, endpoint.id, "24h"), outcomes],
    [deliveryKeys.list(scoping, { endpointId: endpoint.id, status: "all" }), firstPage(list)],
  ]);
  return (
    <div className="grid gap-6">
      <Link
        href="/settings/organization/webhooks"
        prefetch={false} // a dynamic page: prefetching it on every visit cost two server renders and their parsing
        className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to webhooks
      </Link>
      <EndpointDetailView
        key={`${ctx.org.id}:${ctx.environment}:${endpoint.id}`}
        scoping={scoping}
        initial={health}
        canManage={hasRole(ctx.role, "developer")}
        canReveal={hasRole(ctx.role, "admin")}
        deliveries={
          <HydrationBoundary state={seeded}>
            <DeliveryOutcomeChart endpointId={endpoint.id} scoping={scoping} />
            <DeliveryList endpointId={endpoint.id} canReplay={hasRole(ctx.role, "developer")} scoping={scoping} />
          </HydrationBoundary>
        }
      />
    </div>
  );
}
