// OpenTelemetry spans for what Gatehouse does with an event: `gatehouse.event` (accepted and
// stored), one `gatehouse.delivery` per endpoint it goes to (a child of the event's span), and
// one `gatehouse.delivery.attempt` per request sent (a child of its delivery's span, with a link
// to the event's span). Retries, replays and the sweeper's re-sends happen in other processes,
// hours later; nothing about the trace is stored: the event's trace id and the event's and each
// delivery's span ids are derived from their own ids (SHA-256), so any process at any time can
// place an attempt under its delivery. The SDK is started only when OTEL_EXPORTER_OTLP_ENDPOINT
// is set (lib/observability/start-tracing.ts); otherwise `tracingOn()` is false and every
// function here returns before computing anything.
import { createHash } from "node:crypto";
import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
} from "@opentelemetry/api";

export const TRACER_NAME = "gatehouse";

/** Whether spans are exported (the SDK was started in this process). */
export function tracingOn(): boolean {
  return !!(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && process.env.OTEL_SDK_DISABLED !== "true";
}

/**
 * The context key through which a span asks for fixed ids; the id generator of
 * start-tracing.ts reads it. `createContextKey` is keyed by `Symbol.for`, so both module graphs
 * of a process (Next.js's and the lean layer's) agree on it.
 */
export const FIXED_IDS = createContextKey("gatehouse.fixed-span-ids");
export type FixedIds = { traceId: string; spanId: string };

function hex(kind: string, id: string, chars: number): string {
  return createHash("sha256").update(`gatehouse:${kind}:${id}`).digest("hex").slice(0, chars);
}

/** The event's span: trace id and span id both derived from the event id. */
export function eventSpanContext(eventId: string): SpanContext {
  return { traceId: hex("event-trace", eventId, 32), spanId: hex("event-span", eventId, 16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** A delivery's span, in its event's trace. */
export function deliverySpanContext(eventId: string, deliveryId: string): SpanContext {
  return { traceId: eventSpanContext(eventId).traceId, spanId: hex("delivery-span", deliveryId, 16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Starts and ends a span whose own ids are `ids`, under `parent` (none: a root span). */
function recordSpan(opts: {
  name: string;
  ids: SpanContext;
  parent?: SpanContext;
  start: number;
  end: number;
  attributes: Attributes;
  links?: Link[];
  error?: string;
  kind?: SpanKind;
}) {
  const base: Context = opts.parent ? trace.setSpanContext(context.active(), opts.parent) : trace.deleteSpan(context.active());
  const fixed: FixedIds = { traceId: opts.ids.traceId, spanId: opts.ids.spanId };
  // startSpan asks the id generator synchronously, inside this context.
  const span = context.with(context.active().setValue(FIXED_IDS, fixed), () =>
    tracer().startSpan(opts.name, { startTime: opts.start, attributes: opts.attributes, links: opts.links, kind: opts.kind ?? SpanKind.INTERNAL }, base),
  );
  if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: opts.error });
  span.end(opts.end);
}

/**
 * An accepted event and the deliveries it made. `startedAt` is when its request began to be
 * handled (ms since the epoch). The request's own span, if a tracer made one, is linked.
 */
export function traceAcceptedEvent(opts: {
  eventId: string;
  type: string;
  orgId: string;
  environment: string;
  startedAt: number;
  deliveries: { id: string; endpointId?: string; status: "pending" | "held" }[];
}): void {
  if (!tracingOn()) return;
  const end = Date.now();
  const requestSpan = trace.getSpan(context.active())?.spanContext();
  const ev = eventSpanContext(opts.eventId);
  recordSpan({
    name: "gatehouse.event",
    ids: ev,
    start: opts.startedAt,
    end,
    kind: SpanKind.SERVER,
    attributes: {
      "gatehouse.event.id": opts.eventId,
      "gatehouse.event.type": opts.type,
      "gatehouse.org.id": opts.orgId,
      "gatehouse.environment": opts.environment,
      "gatehouse.event.deliveries": opts.deliveries.length,
    },
    links: requestSpan && trace.isSpanContextValid(requestSpan) ? [{ context: requestSpan, attributes: { "gatehouse.link": "request" } }] : [],
  });
  for (const d of opts.deliveries) {
    recordSpan({
      name: "gatehouse.delivery",
      ids: deliverySpanContext(opts.eventId, d.id),
      parent: ev,
      start: end,
      end,
      attributes: {
        "gatehouse.delivery.id": d.id,
        ...(d.endpointId ? { "gatehouse.endpoint.id": d.endpointId } : {}),
        "gatehouse.delivery.status": d.status,
        "gatehouse.event.id": opts.eventId,
      },
    });
  }
}

/** One request sent for a delivery (or refused before sending), under its delivery's span. */
export function traceAttempt(opts: {
  eventId: string;
  deliveryId: string;
  endpointId: string;
  /** 1 for the first attempt. */
  attempt: number;
  latencyMs: number;
  httpStatus: number | null;
  outcome: "succeeded" | "retry" | "failed" | "held";
  error?: string | null;
}): void {
  if (!tracingOn()) return;
  const end = Date.now();
  const ids = deliverySpanContext(opts.eventId, opts.deliveryId);
  recordSpan({
    name: "gatehouse.delivery.attempt",
    ids: { ...ids, spanId: hex("attempt-span", `${opts.deliveryId}:${opts.attempt}:${end}:${Math.random()}`, 16) },
    parent: ids,
    start: end - Math.max(0, opts.latencyMs),
    end,
    kind: SpanKind.CLIENT,
    attributes: {
      "gatehouse.delivery.id": opts.deliveryId,
      "gatehouse.endpoint.id": opts.endpointId,
      "gatehouse.event.id": opts.eventId,
      "gatehouse.delivery.attempt": opts.attempt,
      "gatehouse.delivery.outcome": opts.outcome,
      ...(opts.httpStatus !== null ? { "http.response.status_code": opts.httpStatus } : {}),
    },
    links: [{ context: eventSpanContext(opts.eventId), attributes: { "gatehouse.link": "event" } }],
    error: opts.outcome === "succeeded" ? undefined : (opts.error ?? "not delivered"),
  });
}
