import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { deliverySummaries, listEvents } from "@/lib/events/get-events";
import { ingestEvent } from "@/lib/events/ingest-event";
import { causeFromActor } from "@/lib/events/provenance";
import { acceptedEventResponse } from "@/lib/events/accepted-event";
import { acceptedEventView, eventView } from "@/lib/events/views";
import { createEventSchema, eventListQuery, MAX_EVENT_BODY_BYTES } from "@/lib/validations/events";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/events: events of the current environment, newest first, each with its deliveries' outcomes
export const GET = withApi({ scopes: ["events:read"] }, async (ctx) => {
  const q = ctx.query(eventListQuery);
  const rows = await listEvents({
    orgId: ctx.orgId,
    environment: ctx.environment,
    limit: q.limit,
    type: q.type,
    q: q.q,
    causedByCredential: q.caused_by_credential,
    createdAfter: q.created_after ? new Date(q.created_after) : undefined,
    createdBefore: q.created_before ? new Date(q.created_before) : undefined,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  const page = paginate(rows, q.limit, (e) => ({ createdAt: e.createdAt.toISOString(), id: e.id }), eventView);
  const summaries = await deliverySummaries(page.data.map((e) => e.id));
  return json({ ...page, data: page.data.map((e) => ({ ...e, deliveries: summaries.get(e.id)! })) });
});

// POST /api/v1/events: store an event and queue one delivery per subscribed endpoint (202)
// (a retry whose first try stored the event but crashed before answering gets that event: recover)
export const POST = withApi(
  { scopes: ["events:write"], maxBodyBytes: MAX_EVENT_BODY_BYTES, recover: (ref, ctx) => acceptedEventResponse(ctx.orgId, ctx.environment, ref) },
  async (ctx) => {
    const input = ctx.body(createEventSchema);
    const r = await ingestEvent({
      orgId: ctx.orgId,
      environment: ctx.environment,
      type: input.type,
      data: input.data,
      externalId: input.id,
      channels: input.channels,
      idempotencyClaimId: ctx.idempotencyClaimId,
      cause: causeFromActor(ctx.actor),
    });
    return json(acceptedEventView(r.event, r.deliveryCount), { status: 202 });
  },
);

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
