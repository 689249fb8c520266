// The 202 answer for an event already stored, rebuilt from the database: what a retry gets when
// the request that stored it crashed before answering (the Idempotency-Key claim names the event).
import { json } from "@/lib/api/with-api";
import { db } from "@/lib/db/client";
import { acceptedEventView } from "@/lib/events/views";
import type { Environment } from "@/lib/generated/prisma/client";

export async function acceptedEventResponse(orgId: string, environment: Environment, resourceRef: string): Promise<Response> {
  const id = resourceRef.startsWith("event:") ? resourceRef.slice("event:".length) : null;
  const event = id ? await db.event.findFirst({ where: { id, orgId, environment } }) : null;
  if (!event) throw new Error(`the Idempotency-Key claim names ${resourceRef}, which is not an event of this org`);
  const deliveries = await db.delivery.count({ where: { eventId: event.id, replayOfId: null } });
  return json(acceptedEventView(event, deliveries), { status: 202 });
}
