// The Incoming tab of Settings > Organization > Webhooks. Incoming webhooks (unique URLs that
// external services POST into) arrive in a later release; this panel holds their place.
import { Inbox } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";

export function IncomingTab() {
  return (
    <EmptyState
      icon={<Inbox />}
      title="Incoming webhooks are coming"
      description="Incoming webhooks arrive in a later release: unique URLs, guarded by a token, that services such as payment or source-control providers post into, with every message recorded here."
    />
  );
}
