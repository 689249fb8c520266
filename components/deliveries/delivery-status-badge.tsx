"use client";
// A delivery's status as a coloured badge; pending shows a spinner (attempts under way).
import { LoaderCircle } from "lucide-react";
import { STATUS_LABELS, STATUS_VARIANTS } from "@/components/deliveries/format";
import { Badge } from "@/components/ui/badge";
import type { DeliveryView } from "@/lib/validations/deliveries";

export function DeliveryStatusBadge({ status }: { status: DeliveryView["status"] }) {
  return (
    <Badge variant={STATUS_VARIANTS[status]} data-status={status}>
      {status === "pending" ? <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden /> : null}
      {STATUS_LABELS[status]}
    </Badge>
  );
}
