import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { PageHeader } from "@/components/layout/page-header";
import { parseWebhookTab } from "@/components/webhooks/tabs";
import { WebhooksTabs } from "@/components/webhooks/webhooks-tabs";
import { getConsoleContext } from "@/lib/auth/session";
import { endpointDeliveryStats } from "@/lib/deliveries/get-deliveries";
import { hasRole } from "@/lib/orgs/roles";
import { HydrationBoundary } from "@tanstack/react-query";
import { queryState } from "@/components/query-state";
import { ENDPOINTS_PAGE_SIZE, webhookKeys } from "@/components/webhooks/query-keys";
import { listEndpointViews } from "@/lib/webhooks/get-endpoints";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<{ tab?: string | string[] }> }) {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const { tab } = await searchParams;
  const canManage = hasRole(ctx.role, "developer");
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const scopeKey = `${ctx.org.id}:${ctx.environment}`;
  const initialTab = parseWebhookTab(tab);
  // The endpoints list, as GET /api/v1/endpoints answers it, comes with the page when it is the
  // tab shown (no fetch after hydration, the table painted with the HTML); later refreshes are
  // the list's own.
  const [stats, endpoints] = await Promise.all([
    endpointDeliveryStats(scoping),
    initialTab === "endpoints" ? listEndpointViews({ ...scoping, limit: ENDPOINTS_PAGE_SIZE }) : null,
  ]);
  const deliveryStats = Object.fromEntries(
    stats.map((s) => [s.endpoint_id, { successRate24h: s.success_rate, lastDeliveryAt: s.last_delivery_at }]),
  );
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Webhooks"
        description={
          <>
            Send signed events to your customers&apos; systems, and receive webhooks from others.{" "}
            <Link href="/settings/organization/webhooks/deliveries" className="font-medium text-foreground underline underline-offset-4">
              Failed deliveries
            </Link>{" "}
            lists what needs a replay.
            {canManage ? null : " You can look; developers, admins and owners make changes."}
          </>
        }
      />
      <HydrationBoundary state={queryState(endpoints ? [[webhookKeys.endpointList(scoping), endpoints]] : [])}>
        <WebhooksTabs key={scopeKey} scoping={scoping} canManage={canManage} initialTab={initialTab} deliveryStats={deliveryStats} />
      </HydrationBoundary>
    </div>
  );
}
