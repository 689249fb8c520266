/**
 * The windows of an endpoint's outcome chart: how many buckets of what size, ending with the
 * bucket that holds now. Hours are whole UTC hours; days are UTC days (so every viewer and API
 * client sees the same buckets for the same moment). No zod here: the console's chart imports it
 * (lib/validations/deliveries.ts re-exports it beside the schemas).
 */
export const DELIVERY_STATS_WINDOWS = {
  "24h": { buckets: 24, bucketSeconds: 3600, label: "24 hours" },
  "7d": { buckets: 7, bucketSeconds: 86_400, label: "7 days" },
} as const;
export type DeliveryStatsWindow = keyof typeof DELIVERY_STATS_WINDOWS;
