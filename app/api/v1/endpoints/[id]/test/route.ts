import { json, withApi } from "@/lib/api/with-api";
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { causeFromActor } from "@/lib/events/provenance";
import { testEventSchema } from "@/lib/validations/events";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /api/v1/endpoints/{id}/test: send an event to this endpoint only
export const POST = withApi<{ id: string }>({ scopes: ["events:write"] }, async (ctx) => {
  const input = ctx.body(testEventSchema);
  const endpoint = await db.endpoint.findFirst({
    where: { id: ctx.params.id, orgId: ctx.orgId, environment: ctx.environment },
    select: { id: true },
  });
  if (!endpoint) throw new AppError("not_found", "No such endpoint in this environment.");
  const r = await ingestEvent({
    orgId: ctx.orgId,
    environment: ctx.environment,
    type: input.type,
    data: input.data,
    onlyEndpointId: endpoint.id,
    cause: causeFromActor(ctx.actor),
  });
  return json(
    { id: r.event.id, type: r.event.type, deliveries: r.deliveryCount, created_at: r.event.createdAt.toISOString() },
    { status: 202 },
  );
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
