import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";
import { eventTypeNameSchema } from "@/lib/validations/webhooks";
import { eventCauseSchema } from "@/lib/validations/events";
import { DELIVERY_STATS_WINDOWS, type DeliveryStatsWindow } from "@/lib/validations/delivery-stats-windows";

export const deliveryStatusSchema = z.enum(["pending", "held", "succeeded", "failed"]);

const idParam = z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");
const timeParam = z.iso.datetime({ offset: true });

/** Filters shared by the deliveries list (API and console); each narrows, all must hold. */
export const deliveryListQuerySchema = paginationQuery
  .extend({
    status: deliveryStatusSchema.optional().describe("Only deliveries in this status"),
    endpoint_id: idParam.optional().describe("Only deliveries to this endpoint"),
    event_type: eventTypeNameSchema.optional().describe("Only deliveries of events of this type"),
    event_id: idParam.optional().describe("Only the deliveries of this event (`evt_…`, exact)"),
    delivery_id: idParam.optional().describe("Only this delivery (`msg_…`, exact): the webhook-id header a receiver got"),
    q: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .optional()
      .describe("Exact search: a delivery id (webhook-id), an event id, or the `id` a client sent with its event"),
    created_after: timeParam.optional().describe("Only deliveries created at or after this time"),
    created_before: timeParam.optional().describe("Only deliveries created before this time"),
    caused_by_credential: idParam.optional().describe("Only deliveries of events posted with this credential's access tokens (its id, exact)"),
  })
  .refine((q) => !q.created_after || !q.created_before || Date.parse(q.created_after) < Date.parse(q.created_before), {
    path: ["created_before"],
    message: "must be later than created_after",
  });
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

export const deliverySchema = z
  .object({
    id: z.string().describe("Delivery id; sent as the webhook-id header"),
    event_id: z.string(),
    event_type: z.string(),
    endpoint_id: z.string(),
    endpoint_name: z.string(),
    status: deliveryStatusSchema,
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_response_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    held_reason: z.string().nullable().describe("Why it waits, while held: the endpoint is paused, failing (circuit open) or disabled"),
    replay_of: z
      .string()
      .nullable()
      .describe("Only on deliveries made by replays before a replay became a new attempt of the same delivery: the delivery it replayed"),
    replay_requested_at: z.string().nullable().describe("A replay asked for and not yet attempted: when"),
    replay_requested_by: z.string().nullable().describe("A replay asked for and not yet attempted: by whom (a member's email, or a credential)"),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    caused_by: eventCauseSchema
      .nullable()
      .describe("What caused the delivery's event: the credential (or member, or incoming webhook) and address that sent it, and when"),
  })
  .meta({ id: "Delivery" });
export type DeliveryView = z.infer<typeof deliverySchema>;

export const deliveryAttemptSchema = z.object({
  number: z.number().int(),
  url: z.string().nullable().describe("Where the attempt was sent: the endpoint's URL at the time (null on attempts older than this field)"),
  request_headers: z.record(z.string(), z.string()),
  request_body: z.string(),
  response_status: z.number().int().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable().describe("Truncated to 16 KiB"),
  latency_ms: z.number().int().nullable(),
  error: z.string().nullable().describe("Network-level error: DNS failure, refused, timeout"),
  replayed_at: z.string().nullable().describe("Set when this attempt was a replay: when it was asked for"),
  replayed_by: z.string().nullable().describe("Set when this attempt was a replay: who asked for it"),
  created_at: z.string(),
});

export const deliveryDetailSchema = deliverySchema.extend({ attempt_log: z.array(deliveryAttemptSchema) });

export const replayResponseSchema = deliveryDetailSchema
  .extend({
    url_changed_from: z
      .string()
      .nullable()
      .describe("The URL the delivery's last attempt went to, when the endpoint's URL has changed since (the replay goes to the current one)"),
  })
  .describe("The replayed delivery (the same id, so the same webhook-id), now pending (held if its endpoint is paused)");

export const replayFailedSchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).describe("Replay failed deliveries created at or after this time; each becomes pending again"),
  endpoint_id: z.string().max(100).optional().describe("Only this endpoint's"),
});

/** What a bulk replay would replay, asked before confirming (the same filters as the POST). */
export const replayFailedPreviewQuerySchema = replayFailedSchema;

export const replayFailedPreviewSchema = z
  .object({
    total: z.number().int().describe("Failed deliveries created since `since` that a replay would re-arm now"),
    endpoints: z
      .array(
        z.object({
          endpoint_id: z.string(),
          endpoint_name: z.string(),
          failed: z.number().int(),
        }),
      )
      .describe("Per endpoint, most failures first"),
  })
  .describe("How many failed deliveries a replay with the same filters would replay, per endpoint");
export type ReplayFailedPreview = z.infer<typeof replayFailedPreviewSchema>;

export const endpointDeliveryStatsSchema = z.object({
  endpoint_id: z.string(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  last_delivery_at: z.string().nullable(),
  success_rate: z.number().nullable().describe("succeeded / (succeeded + failed); null before any outcome"),
});

// The chart's windows live in a module without zod, so the console's chart can import them
// without loading zod with the endpoint page.
export { DELIVERY_STATS_WINDOWS, type DeliveryStatsWindow };

export const deliveryStatsWindowSchema = z
  .enum(Object.keys(DELIVERY_STATS_WINDOWS) as [DeliveryStatsWindow, ...DeliveryStatsWindow[]])
  .describe("24h: 24 one-hour buckets (UTC hours); 7d: 7 one-day buckets (UTC days). Default 24h");

export const deliveryStatsQuerySchema = z.strictObject({ window: deliveryStatsWindowSchema.default("24h") });

const outcomeCounts = {
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int().describe("Waiting for an attempt or a retry"),
  held: z.number().int().describe("Held while the endpoint is paused"),
};

export const deliveryStatsSchema = z
  .object({
    endpoint_id: z.string(),
    window: deliveryStatsWindowSchema,
    bucket_seconds: z.number().int(),
    from: z.string().describe("Start of the first bucket (inclusive)"),
    to: z.string().describe("End of the last bucket (exclusive); the last bucket holds now"),
    totals: z.object({ ...outcomeCounts, total: z.number().int() }),
    buckets: z
      .array(z.object({ start: z.string().describe("Start of the bucket"), ...outcomeCounts }))
      .describe("Every bucket of the window, oldest first, zeros included"),
  })
  .meta({ id: "DeliveryStats" })
  .describe("An endpoint's deliveries by their current status, bucketed by when they were created");
export type DeliveryStatsView = z.infer<typeof deliveryStatsSchema>;
