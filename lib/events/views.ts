import type { Delivery, Event } from "@/lib/generated/prisma/client";
import type { EventView } from "@/lib/validations/events";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function eventView(e: Event): EventView {
  return {
    id: e.id,
    type: e.type,
    external_id: e.idempotencyKey,
    data: e.payload as Record<string, unknown>,
    channels: e.channels ?? [],
    environment: e.environment,
    created_at: e.createdAt.toISOString(),
  };
}

/** The 202 answer to POST /api/v1/events. */
export function acceptedEventView(e: Pick<Event, "id" | "type" | "idempotencyKey" | "createdAt">, deliveries: number) {
  return { id: e.id, type: e.type, external_id: e.idempotencyKey, deliveries, created_at: e.createdAt.toISOString() };
}

export function eventDeliveryView(d: Delivery & { endpoint: { name: string } }) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    endpoint_name: d.endpoint.name,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    last_response_status: d.lastResponseStatus,
    replay_of_id: d.replayOfId,
    created_at: d.createdAt.toISOString(),
  };
}
