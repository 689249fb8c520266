import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";

export const deliveryStatusSchema = z.enum(["pending", "held", "succeeded", "failed"]);

export const deliveryListQuerySchema = paginationQuery.extend({
  status: deliveryStatusSchema.optional().describe("Only deliveries in this status"),
  endpoint_id: z.string().max(100).optional().describe("Only deliveries to this endpoint"),
});

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
    replay_of: z.string().nullable().describe("The delivery this one replays"),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: "Delivery" });
export type DeliveryView = z.infer<typeof deliverySchema>;

export const deliveryAttemptSchema = z.object({
  number: z.number().int(),
  request_headers: z.record(z.string(), z.string()),
  request_body: z.string(),
  response_status: z.number().int().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable().describe("Truncated to 16 KiB"),
  latency_ms: z.number().int().nullable(),
  error: z.string().nullable().describe("Network-level error: DNS failure, refused, timeout"),
  created_at: z.string(),
});

export const deliveryDetailSchema = deliverySchema.extend({ attempt_log: z.array(deliveryAttemptSchema) });

export const replayFailedSchema = z.object({
  since: z.iso.datetime({ offset: true }).describe("Replay failed deliveries created at or after this time"),
});
