import { z } from "zod";
import { decodeCursor, paginate } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { createEventType, listEventTypes } from "@/lib/webhooks/event-types";
import { eventTypeView } from "@/lib/webhooks/views";
import { createEventTypeSchema, eventTypeListQuery } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ name: z.string() });

// GET /api/v1/event-types: this environment's event-type catalog, by name (`archived=true|false|all`)
export const GET = withApi({ scopes: ["events:read"] }, async (ctx) => {
  const q = ctx.query(eventTypeListQuery);
  const rows = await listEventTypes({ orgId: ctx.orgId, environment: ctx.environment, archived: q.archived, limit: q.limit, cursor: decodeCursor(q.cursor, cursorSchema) });
  return json(paginate(rows, q.limit, (t) => ({ name: t.name }), eventTypeView));
});

// POST /api/v1/event-types: add an event type, optionally with a JSON Schema for its payload
export const POST = withApi({ scopes: ["events:write"], maxBodyBytes: 128 * 1024 }, async (ctx) => {
  const input = ctx.body(createEventTypeSchema);
  const t = await createEventType({
    orgId: ctx.orgId,
    environment: ctx.environment,
    name: input.name,
    description: input.description,
    schema: input.schema ?? null,
    ctx: ctx.actor,
  });
  return json(eventTypeView(t), { status: 201 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
