// The executor half of /readyz (lib/observability/health.ts): with the embedded executor, its
// own /health on its loopback port answers within the timeout; with an Inngest server (Cloud,
// `inngest start`), the keys it needs are set (it is not called on every probe).
import { embeddedExecutorUrl, usesEmbeddedExecutor } from "@/inngest/engine/embedded-config";
import { timed, type Check } from "@/lib/observability/health";

export async function probeExecutor(timeoutMs: number): Promise<Check> {
  if (!usesEmbeddedExecutor()) {
    return process.env.INNGEST_SIGNING_KEY || process.env.INNGEST_DEV
      ? { status: "ok", mode: "inngest" }
      : { status: "failing", mode: "inngest", error: "INNGEST_SIGNING_KEY (or INNGEST_DEV) is not set" };
  }
  const check = await timed(
    async () => {
      const res = await fetch(new URL("/health", embeddedExecutorUrl()), { signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the embedded executor answered ${res.status}`);
    },
    "the embedded executor",
    timeoutMs,
  );
  return { ...check, mode: "embedded" };
}
