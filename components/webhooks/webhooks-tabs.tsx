"use client";
// The three tabs of Settings > Organization > Webhooks. The selected tab is in the URL (?tab=),
// so it survives a reload and can be linked to; switching only replaces the history entry.
import { useState } from "react";
import { CreateEndpointDialog } from "@/components/webhooks/create-endpoint-dialog";
import { EndpointsTable, type EndpointDeliveryStats } from "@/components/webhooks/endpoints-table";
import { EventTypesTab } from "@/components/webhooks/event-types-tab";
import type { Scoping } from "@/components/webhooks/queries";
import { parseWebhookTab, type WebhookTab } from "@/components/webhooks/tabs";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

export function WebhooksTabs({
  scoping,
  canManage,
  initialTab,
  incoming,
  deliveryStats,
}: {
  scoping: Scoping;
  canManage: boolean;
  initialTab: WebhookTab;
  /** The Incoming tab's content, rendered by the page (a server component may pass it). */
  incoming: React.ReactNode;
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
        <TabsTrigger value="incoming">Incoming</TabsTrigger>
        <TabsTrigger value="event-types">Event types</TabsTrigger>
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
        <EndpointsTable scoping={scoping} canManage={canManage} deliveryStats={deliveryStats} />
      </TabsContent>
      <TabsContent value="incoming">{incoming}</TabsContent>
      <TabsContent value="event-types">
        <EventTypesTab scoping={scoping} canManage={canManage} />
      </TabsContent>
    </Tabs>
  );
}
