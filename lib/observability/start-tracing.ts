// Starts OpenTelemetry tracing for the process when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans go over OTLP/HTTP (JSON) to the collector,
// in batches, with the standard OTEL_* variables honoured (OTEL_SERVICE_NAME, headers, timeouts).
// Unset, nothing is loaded: the SDK packages are imported only here, on demand, and the API's
// no-op tracer costs nothing (lib/observability/tracing.ts checks tracingOn() first anyway).
// Called once per process, first thing, from instrumentation.ts (and by tests).
import { context, type Context } from "@opentelemetry/api";
import { FIXED_IDS, tracingOn, type FixedIds } from "@/lib/observability/tracing";

export type Tracing = { forceFlush(): Promise<void>; shutdown(): Promise<void> };

/** Random ids, unless the span being started asked for fixed ones (tracing.ts, through the active context). */
function idGenerator(random: { generateTraceId(): string; generateSpanId(): string }) {
  const fixed = () => (context.active() as Context).getValue(FIXED_IDS) as FixedIds | undefined;
  return {
    generateTraceId: () => fixed()?.traceId ?? random.generateTraceId(),
    generateSpanId: () => fixed()?.spanId ?? random.generateSpanId(),
  };
}

/** Starts the SDK if the environment asks for it; null otherwise (or when a provider is already registered). */
export async function startTracing(): Promise<Tracing | null> {
  if (!tracingOn()) return null;
  const [{ NodeTracerProvider }, { BatchSpanProcessor, RandomIdGenerator }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const { trace } = await import("@opentelemetry/api");
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME || "gatehouse" }),
    idGenerator: idGenerator(new RandomIdGenerator()),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // A second call in the same process (Next.js's graph and the lean layer's) keeps the first.
  if (!trace.setGlobalTracerProvider(provider)) {
    await provider.shutdown();
    return null;
  }
  provider.register();
  return provider;
}
