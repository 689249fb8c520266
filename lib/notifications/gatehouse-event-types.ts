// Gatehouse's own events (operator webhooks): event types in every catalog, with JSON Schemas,
// sent to the org's operator endpoints (Endpoint.operatorEvents) and to endpoints that subscribe
// to them by name. A catch-all endpoint (no event-type filter) never receives them: an operator
// did not ask for them, and a receiver that treats every event as its own business would be
// surprised. The `gatehouse.` prefix is reserved: clients can neither create such types nor send
// such events.

export const GATEHOUSE_EVENT_PREFIX = "gatehouse.";

export const isGatehouseEventType = (name: string) => name.startsWith(GATEHOUSE_EVENT_PREFIX);

const endpointRef = {
  type: "object",
  required: ["id", "name", "url"],
  properties: { id: { type: "string" }, name: { type: "string" }, url: { type: "string" } },
};
const time = { type: "string", format: "date-time" };

export const GATEHOUSE_EVENT_TYPES: { name: string; description: string; schema: Record<string, unknown> }[] = [
  {
    name: "gatehouse.endpoint.failing",
    description: "Gatehouse: an endpoint keeps failing and its circuit opened; new deliveries are held while one probe at a time checks it.",
    schema: {
      type: "object",
      required: ["endpoint", "consecutive_failures", "failing_since", "circuit_opened_at"],
      properties: {
        endpoint: endpointRef,
        consecutive_failures: { type: "integer", minimum: 0 },
        failing_since: { type: ["string", "null"] },
        circuit_opened_at: time,
        next_probe_at: { type: ["string", "null"] },
      },
    },
  },
  {
    name: "gatehouse.endpoint.disabled",
    description: "Gatehouse: an endpoint was disabled automatically (failing too long, or it answered 410 Gone); its undelivered messages are kept.",
    schema: {
      type: "object",
      required: ["endpoint", "reason", "disabled_at"],
      properties: { endpoint: endpointRef, reason: { type: "string" }, disabled_at: time },
    },
  },
  {
    name: "gatehouse.endpoint.recovered",
    description: "Gatehouse: a failing endpoint answered again; its circuit closed and the held deliveries were released.",
    schema: {
      type: "object",
      required: ["endpoint", "circuit_opened_at", "recovered_at", "released_deliveries"],
      properties: { endpoint: endpointRef, circuit_opened_at: time, recovered_at: time, released_deliveries: { type: "integer", minimum: 0 } },
    },
  },
  {
    name: "gatehouse.delivery.failed",
    description:
      "Gatehouse: deliveries to an endpoint failed for good (every retry spent). At most one per endpoint per hour; failed_deliveries counts every failure since the previous one.",
    schema: {
      type: "object",
      required: ["endpoint", "failed_deliveries", "delivery_id", "event_type", "window_started_at"],
      properties: {
        endpoint: endpointRef,
        failed_deliveries: { type: "integer", minimum: 1 },
        delivery_id: { type: "string" },
        event_id: { type: "string" },
        event_type: { type: "string" },
        last_error: { type: ["string", "null"] },
        window_started_at: time,
      },
    },
  },
  {
    name: "gatehouse.credential.expiring",
    description: "Gatehouse: a credential expires within 30, 7 or 1 days (one event per credential per threshold).",
    schema: {
      type: "object",
      required: ["credential", "expires_at", "within_days"],
      properties: {
        credential: {
          type: "object",
          required: ["id", "name", "client_id"],
          properties: { id: { type: "string" }, name: { type: "string" }, client_id: { type: "string" } },
        },
        expires_at: time,
        within_days: { type: "integer", enum: [1, 7, 30] },
      },
    },
  },
];

export type GatehouseEventType =
  | "gatehouse.endpoint.failing"
  | "gatehouse.endpoint.disabled"
  | "gatehouse.endpoint.recovered"
  | "gatehouse.delivery.failed"
  | "gatehouse.credential.expiring";
