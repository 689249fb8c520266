// Sends one Inngest event per delivery. The event id is deterministic (the delivery id, plus
// when it was released from hold), so a resend from the sweeper or a retried request never
// starts a second run for the same send.
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";

const BATCH = 100;

export async function sendDeliveries(deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += BATCH) {
    const ids = deliveryIds.slice(i, i + BATCH);
    const rows = await db.delivery.findMany({ where: { id: { in: ids } }, select: { id: true, releasedAt: true, endpointId: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    await inngest.send(
      ids.flatMap((id) => {
        const row = byId.get(id);
        if (!row) return []; // deleted with its endpoint meanwhile
        const at = row.releasedAt;
        return [
          deliveryRequested.create(
            { deliveryId: id, endpointId: row.endpointId },
            { id: at ? `delivery-${id}-${at.getTime()}` : `delivery-${id}` },
          ),
        ];
      }),
    );
  }
}

/** Makes event ingestion, resume and replay send their deliveries through Inngest. */
export function registerDeliveryDispatcher(): void {
  setDeliveryDispatcher(sendDeliveries);
}
