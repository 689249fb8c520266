"use client";
// The three tabs of Settings > Organization > Webhooks. The selected tab is in the URL (?tab=),
// so it survives a reload and can be linked to; switching only replaces the history entry.
// The Incoming and Event types tabs' code (their tables and dialogs) loads when the tab is first
// shown, or when its trigger is pointed at or focused: the page opens on Endpoints, and on a phone
// the other tabs' code was a large part of the main thread's work before it could respond.
import dynamic from "next/dynamic";
import { Suspense, useState } from "react";
import { CreateEndpointDialog } from "@/components/webhooks/lazy";
import { EndpointsTable, type EndpointDeliveryStats } from "@/components/webhooks/endpoints-table";
import type { Scoping } from "@/components/webhooks/queries";
import { parseWebhookTab, type WebhookTab } from "@/components/webhooks/tabs";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Spinner } from "@/components/ui/spinner";

const tabLoading = (
  <div className="flex justify-center py-10">
    <Spinner className="size-5 text-muted-foreground" />
  </div>
);
// next/dynamic (not React.lazy): when the server renders one of these tabs (?tab=), its chunk is
// sent with the page, so the tab hydrates with it.
const InboundWebhooksPanel = dynamic(() => import("@/components/inbound/inbound-webhooks-panel").then((m) => m.InboundWebhooksPanel), {
  loading: () => tabLoading,
});
const EventTypesTab = dynamic(() => import("@/components/webhooks/event-types-tab").then((m) => m.EventTypesTab), {
  loading: () => tabLoading,
});
// Pointing at or focusing a tab starts its download (the bundler shares the chunk with dynamic's).
const preloadInbound = () => void import("@/components/inbound/inbound-webhooks-panel").catch(() => undefined);
const preloadEventTypes = () => void import("@/components/webhooks/event-types-tab").catch(() => undefined);

export function WebhooksTabs({
  scoping,
  canManage,
  initialTab,
  deliveryStats,
}: {
  scoping: Scoping;
  /** Developers and above: create and change endpoints, incoming webhooks and event types. */
  canManage: boolean;
  initialTab: WebhookTab;
  deliveryStats?: Record<string, EndpointDeliveryStats>;
}) {
  const [tab, setTab] = useState<WebhookTab>(initialTab);

  function select(value: string) {
    const next = parseWebhookTab(value);
    setTab(next);
    const url = new URL(window.location.href);
    if (next === "endpoints") url.searchParams.delete("tab");
    else url.searchParams.set("tab", next);
    // Next.js keeps its router in step with history.replaceState, without a server round trip.
    window.history.replaceState(null, "", url);
  }

  return (
    <Tabs value={tab} onValueChange={select} className="gap-4">
      <TabsList aria-label="Webhooks">
        <TabsTrigger value="endpoints">Endpoints</TabsTrigger>
        <TabsTrigger value="incoming" onPointerEnter={preloadInbound} onFocus={preloadInbound}>
          Incoming
        </TabsTrigger>
        <TabsTrigger value="event-types" onPointerEnter={preloadEventTypes} onFocus={preloadEventTypes}>
          Event types
        </TabsTrigger>
      </TabsList>
      <TabsContent value="endpoints" className="grid gap-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="grid gap-1">
            <h2 className="text-lg font-semibold">Outgoing endpoints</h2>
            <p className="text-sm text-muted-foreground">
              URLs that receive your events as signed requests, in {scoping.environment} mode.
            </p>
          </div>
          {canManage ? <CreateEndpointDialog scoping={scoping} /> : null}
        </div>
        {/* Its own boundary: React hydrates the table after the tabs, in slices (issue 14, Lighthouse). */}
        <Suspense>
          <EndpointsTable scoping={scoping} canManage={canManage} deliveryStats={deliveryStats} />
        </Suspense>
      </TabsContent>
      <TabsContent value="incoming">
        <InboundWebhooksPanel scoping={scoping} canManage={canManage} />
      </TabsContent>
      <TabsContent value="event-types">
        <EventTypesTab scoping={scoping} canManage={canManage} />
      </TabsContent>
    </Tabs>
  );
}
