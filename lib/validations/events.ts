import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";
import { eventChannelsSchema, eventTypeNameSchema } from "@/lib/validations/webhooks";

/** Largest accepted POST /api/v1/events body. */
export const MAX_EVENT_BODY_BYTES = 256 * 1024;

/** `gatehouse.*` events are Gatehouse's own (lib/notifications): clients cannot send them. */
const clientEventTypeSchema = eventTypeNameSchema.refine(
  (t) => !t.startsWith("gatehouse."),
  "`gatehouse.` event types are Gatehouse's own events; they cannot be sent through the API",
);

export const createEventSchema = z.strictObject({
  type: clientEventTypeSchema.describe("A known, non-archived event type (not `gatehouse.*`)"),
  data: z
    .record(z.string(), z.unknown())
    .describe("The event payload, a JSON object; checked against the event type's schema when it has one"),
  id: z
    .string()
    .min(1)
    .max(255, "Use at most 255 characters")
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .describe("Your id for the event: sending the same id again returns the same event and creates no new deliveries"),
  channels: eventChannelsSchema.optional(),
});
export type CreateEventInput = z.input<typeof createEventSchema>;

/** POST /api/v1/endpoints/{id}/test: an event for that endpoint only. */
/** A test event may be of a `gatehouse.*` type: an operator endpoint's owner checks it receives them. */
export const testEventSchema = z.strictObject({ type: eventTypeNameSchema.describe("A known, non-archived event type"), data: createEventSchema.shape.data });

export const acceptedTestEventSchema = z.object({
  id: z.string().describe("`evt_…`"),
  type: z.string(),
  deliveries: z.number().describe("1: the endpoint gets the test event whatever event types it subscribes to (held while it is paused); 0 when it is disabled"),
  created_at: z.string(),
});

export const eventListQuery = paginationQuery
  .extend({
    type: eventTypeNameSchema.optional().describe("Only events of this type"),
    q: z.string().trim().min(1).max(255).optional().describe("Exact search: an event id (`evt_…`) or the `id` a client sent with its event"),
    caused_by_credential: z.string().trim().min(1).max(100).optional().describe("Only events posted with this credential's access tokens (its id, exact)"),
    created_after: z.iso.datetime({ offset: true }).optional().describe("Only events created at or after this time"),
    created_before: z.iso.datetime({ offset: true }).optional().describe("Only events created before this time"),
  })
  .refine((q) => !q.created_after || !q.created_before || Date.parse(q.created_after) < Date.parse(q.created_before), {
    path: ["created_before"],
    message: "must be later than created_after",
  });

export const acceptedEventSchema = z.object({
  id: z.string().describe("`evt_…`"),
  type: z.string(),
  external_id: z.string().nullable().describe("The `id` you sent, if any"),
  deliveries: z.number().describe("How many deliveries were queued (pending or held)"),
  created_at: z.string(),
});

export const eventCauseSchema = z
  .object({
    type: z
      .enum(["credential", "user", "inbound", "system"])
      .describe("credential: posted with one of its access tokens; user: by a console member; inbound: made from an incoming webhook's message; system: by Gatehouse"),
    id: z.string().nullable().describe("The credential's, member's or incoming webhook's id (null for system)"),
    label: z.string().describe("Its name when the event was stored: the credential's name, the member's email, the incoming webhook's name"),
    ip: z.string().nullable().describe("The client's address"),
    message_id: z.string().nullable().describe("inbound: the received message (`imsg_…`) the event was made from"),
    at: z.string().describe("When the event was stored"),
    verified: z
      .boolean()
      .describe("Whether these fields are the ones sealed (HMAC under a key the database does not hold) when the event was stored; false means they were changed since"),
  })
  .meta({ id: "EventCause" })
  .describe("What caused the event");
export type EventCauseView = z.infer<typeof eventCauseSchema>;

export const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  external_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  channels: z.array(z.string()).describe("The channels the event was sent on"),
  environment: z.enum(["test", "live"]),
  created_at: z.string(),
  caused_by: eventCauseSchema.nullable().describe("What caused the event; null on events stored before provenance was recorded"),
});
export type EventView = z.infer<typeof eventSchema>;

export const eventDeliverySummarySchema = z
  .object({
    total: z.number().int(),
    pending: z.number().int(),
    held: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .describe("The event's deliveries (one per subscribed endpoint) by their current status");

export const eventListItemSchema = eventSchema.extend({ deliveries: eventDeliverySummarySchema }).meta({ id: "EventListItem" });
export type EventListItemView = z.infer<typeof eventListItemSchema>;

export const eventDeliverySchema = z.object({
  id: z.string().describe("`msg_…`, sent as `webhook-id`"),
  endpoint_id: z.string(),
  endpoint_name: z.string(),
  status: z.enum(["pending", "held", "succeeded", "failed"]),
  attempts: z.number(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_response_status: z.number().nullable(),
  replay_of_id: z.string().nullable(),
  created_at: z.string(),
});

export const eventDetailSchema = eventSchema.extend({ deliveries: z.array(eventDeliverySchema) });
