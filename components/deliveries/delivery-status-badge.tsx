"use client";
// A delivery's status as a coloured badge; pending shows a spinner (attempts under way).
import { LoaderCircle } from "lucide-react";
import { STATUS_LABELS, STATUS_VARIANTS } from "@/components/deliveries/format";
import { Badge } from "@/components/ui/badge";
import type { DeliveryView } from "@/lib/validations/deliveries";

/** `reason`: why a held delivery waits (shown on hover and read out). */
export function DeliveryStatusBadge({ status, reason }: { status: DeliveryView["status"]; reason?: string | null }) {
  return (
    <Badge
      variant={STATUS_VARIANTS[status]}
      data-status={status}
      title={reason ?? undefined}
      aria-label={reason ? `${STATUS_LABELS[status]}: ${reason}` : undefined}
    >
      {status === "pending" ? <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden /> : null}
      {STATUS_LABELS[status]}
    </Badge>
  );
}
