import { z } from "zod";
import { paginationQuery } from "@/lib/api/pagination";

export const notificationListQuery = paginationQuery.extend({
  unread: z.enum(["true", "false"]).optional().describe("true: only those you have not read"),
});

export const notificationSchema = z
  .object({
    id: z.string().describe("`ntf_…`"),
    kind: z
      .enum(["endpoint.failing", "endpoint.disabled", "endpoint.recovered", "delivery.failed", "credential.expiring"])
      .describe("What happened; the same name, prefixed `gatehouse.`, is the operator event's type"),
    environment: z.enum(["test", "live"]).nullable().describe("The environment of what it is about; null: the whole organization"),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().describe("A console path that shows what it is about"),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    count: z.number().int().describe("Occurrences it stands for (failed deliveries in its hour)"),
    event_id: z.string().nullable().describe("The `gatehouse.*` operator event it was sent as, if any"),
    read_at: z.string().nullable().describe("When you read it; read state is per member"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Notification" });
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationListSchema = z.object({
  data: z.array(notificationSchema),
  next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  unread_count: z.number().int().describe("Notifications you have not read (all pages)"),
});

export const markAllReadSchema = z.object({ marked: z.number().int().describe("Notifications marked read now") });
