import type { Delivery, Event } from "@/lib/generated/prisma/client";
import type { EventCauseView, EventView } from "@/lib/validations/events";
import { provenanceVerified, storedCause } from "@/lib/events/provenance";
import { provenanceKey } from "@/lib/audit/audit-keys";

type CauseFields = Pick<
  Event,
  "id" | "orgId" | "environment" | "type" | "createdAt" | "causedByType" | "causedById" | "causedByLabel" | "causedByIp" | "causedByMessageId" | "provenanceMac"
>;

/** What caused the event, with whether its seal still holds; null on events older than provenance. */
export function causeView(e: CauseFields, key: Buffer = provenanceKey()): EventCauseView | null {
  const c = storedCause(e);
  if (!c) return null;
  return {
    type: c.type,
    id: c.id,
    label: c.label,
    ip: c.ip,
    message_id: c.messageId ?? null,
    at: e.createdAt.toISOString(),
    verified: provenanceVerified(e, key),
  };
}

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
    caused_by: causeView(e),
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
