// The Deliveries section of an endpoint's page. For now it says where deliveries will appear;
// the deliveries work replaces this component's content (same file, same props).
import { Send } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";

export function EndpointDeliveries({ endpointId }: { endpointId: string }) {
  return (
    <EmptyState
      data-endpoint-id={endpointId}
      icon={<Send />}
      title="No deliveries to show yet"
      description="Each event sent to this endpoint, with every attempt's request and response, will be listed here. Send a test event to queue one."
    />
  );
}
