// The delivery outcome chart's series: shared by the chart's legend and its (lazily loaded) drawing.
import type { DeliveryStatus } from "@/components/deliveries/queries";
import type { DeliveryStatsView } from "@/lib/validations/deliveries";

export const CHART_HEIGHT = 160;

// Succeeded and failed in the status colours; pending and held muted (held keeps a hint of the
// amber its badge uses), so what needs attention is what stands out.
export const SERIES: Record<DeliveryStatus, { fill: string; opacity: number; swatch: string }> = {
  succeeded: { fill: "var(--success)", opacity: 1, swatch: "bg-success" },
  failed: { fill: "var(--destructive)", opacity: 1, swatch: "bg-destructive" },
  pending: { fill: "var(--muted-foreground)", opacity: 0.35, swatch: "bg-muted-foreground/35" },
  held: { fill: "var(--warning)", opacity: 0.35, swatch: "bg-warning/35" },
};

export type Bucket = DeliveryStatsView["buckets"][number];
