// Runs once when the server starts: starts tracing when asked to (OTEL_EXPORTER_OTLP_ENDPOINT),
// then opens and migrates the database before the first request, so a broken configuration
// fails loudly at start-up rather than on a user's click.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Traces first (only when OTEL_EXPORTER_OTLP_ENDPOINT is set), so start-up's own work is seen.
  const { startTracing } = await import("@/lib/observability/start-tracing");
  await startTracing();
  const { startUp } = await import("@/start-up");
  await startUp();
}
