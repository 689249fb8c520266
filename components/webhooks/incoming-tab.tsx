// The Incoming tab of Settings > Organization > Webhooks: incoming webhooks (unique URLs that
// external services POST into) and their messages. A server component: it reads the console
// context itself, so the page renders it without passing anything.
import { InboundWebhooksPanel } from "@/components/inbound/inbound-webhooks-panel";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export async function IncomingTab() {
  const ctx = await getConsoleContext();
  if (!ctx) return null;
  return <InboundWebhooksPanel scoping={{ orgId: ctx.org.id, environment: ctx.environment }} canManage={hasRole(ctx.role, "developer")} />;
}
