// The tabs of Settings > Organization > Webhooks, as they appear in `?tab=`. A plain module
// (not "use client"), so the server page can parse the query with it.
export const WEBHOOK_TABS = ["endpoints", "incoming", "event-types"] as const;
export type WebhookTab = (typeof WEBHOOK_TABS)[number];

export function parseWebhookTab(v: string | string[] | undefined): WebhookTab {
  return WEBHOOK_TABS.find((t) => t === v) ?? "endpoints";
}
