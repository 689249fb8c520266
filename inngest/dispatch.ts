// Sends one Inngest event per delivery. The event id is deterministic (the delivery id, plus
// when it was released from hold), so a resend from the sweeper or a retried request never
// starts a second run for the same send.
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { createBatcher, sql } from "@/lib/db/sql";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";

const BATCH = 500;

export async function sendDeliveries(deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += BATCH) {
    const ids = deliveryIds.slice(i, i + BATCH);
    const rows = await sql<{ id: string; releasedAt: Date | null; endpointId: string }>(
      `SELECT "id", ("releasedAt" AT TIME ZONE 'UTC') AS "releasedAt", "endpointId" FROM "Delivery" WHERE "id" = ANY($1::text[])`,
      [ids],
    );
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

/**
 * Makes event ingestion, resume and replay send their deliveries through Inngest. Concurrent
 * dispatches (one per API request) share one lookup and one send while another is in flight.
 */
export function registerDeliveryDispatcher(): void {
  const send = createBatcher<string[]>((lists) => sendDeliveries(lists.flat()), 100, 2);
  setDeliveryDispatcher(send);
}
