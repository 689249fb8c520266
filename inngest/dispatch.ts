// Sends one Inngest event per delivery. The event id is deterministic (the delivery id, plus its
// generation: when it was last released from hold or re-armed by the sweeper), so a retried
// request never starts a second run for the same send, and a re-armed delivery gets a new one.
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { createBatcher, sql } from "@/lib/db/sql";
import { setDeliveryDispatcher, type DeliveryRef } from "@/lib/events/dispatch";

const BATCH = 500;

export async function sendDeliveries(deliveries: DeliveryRef[]): Promise<void> {
  for (let i = 0; i < deliveries.length; i += BATCH) {
    const refs = deliveries.slice(i, i + BATCH);
    // What the caller did not say (the endpoint; a release time) is looked up.
    const unknown = refs.flatMap((r) => (typeof r === "string" ? [r] : []));
    const rows = unknown.length
      ? await sql<{ id: string; releasedAt: Date | null; endpointId: string; orgId: string }>(
          `SELECT "id", ("releasedAt" AT TIME ZONE 'UTC') AS "releasedAt", "endpointId", "orgId" FROM "Delivery" WHERE "id" = ANY($1::text[])`,
          [unknown],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    await inngest.send(
      refs.flatMap((ref) => {
        const row = typeof ref === "string" ? byId.get(ref) : { ...ref, releasedAt: null };
        if (!row) return []; // deleted with its endpoint meanwhile
        const at = row.releasedAt;
        return [
          deliveryRequested.create(
            { deliveryId: row.id, endpointId: row.endpointId, orgId: row.orgId, releasedAt: at ? at.getTime() : null },
            { id: at ? `delivery-${row.id}-${at.getTime()}` : `delivery-${row.id}` },
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
  const send = createBatcher<DeliveryRef[]>((lists) => sendDeliveries(lists.flat()), 100, 2);
  setDeliveryDispatcher(send);
}
