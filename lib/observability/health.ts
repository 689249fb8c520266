// Probes for load balancers and orchestrators: /healthz (the process is alive: it answers, and
// nothing else is checked, so a database outage never gets healthy processes restarted) and
// /readyz (it can serve: the database answers a trivial query within a short timeout, and
// deliveries have somewhere to go: the embedded executor answers on its loopback port, or an
// Inngest server is configured). Cheap, unauthenticated, not rate-limited, and logged at debug
// only (lib/http/edge.ts). Never cached.
import { AppError } from "@/lib/api/errors";
import { problemBody } from "@/lib/api/problem-response";
import { TextResponse } from "@/lib/api/text-response";
import { sql } from "@/lib/db/sql";

/** How long each readiness check may take before it counts as failed. */
export const READY_TIMEOUT_MS = 2_000;

export type Check = { status: "ok" | "failing"; latency_ms?: number; error?: string; mode?: string };

const NO_STORE = { "cache-control": "no-store" };

export function livenessResponse(): Response {
  return new TextResponse(JSON.stringify({ status: "ok", uptime_seconds: Math.round(process.uptime()) }), {
    headers: { "content-type": "application/json", ...NO_STORE },
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function timed(run: () => Promise<unknown>, what: string, timeoutMs: number): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(run(), timeoutMs, what);
    return { status: "ok", latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    // The reason only (a refused connection, a timeout): never a connection string.
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message.replace(/[a-z]+:\/\/\S+/gi, "<url>").slice(0, 200) : String(err);
    return { status: "failing", latency_ms: Math.round(performance.now() - started), error: typeof code === "string" ? `${code}: ${message}` : message };
  }
}

/**
 * Where deliveries go (inngest/readiness.ts): the embedded executor's own probe, or whether an
 * Inngest server is configured. Passed in, as lib/ knows nothing of the executor.
 */
export type ExecutorProbe = (timeoutMs: number) => Promise<Check>;

export async function checkReadiness(executorProbe: ExecutorProbe, timeoutMs = READY_TIMEOUT_MS): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const [database, executor] = await Promise.all([
    timed(() => sql("SELECT 1"), "the database", timeoutMs),
    executorProbe(timeoutMs).catch((err): Check => ({ status: "failing", error: err instanceof Error ? err.message : String(err) })),
  ]);
  const checks = { database, executor };
  return { ready: database.status === "ok" && executor.status === "ok", checks };
}

/** 200 with the checks when ready; 503 problem+json naming what is not. */
export async function readinessResponse(executorProbe: ExecutorProbe): Promise<Response> {
  const { ready, checks } = await checkReadiness(executorProbe);
  if (ready) {
    return new TextResponse(JSON.stringify({ status: "ok", checks }), { headers: { "content-type": "application/json", ...NO_STORE } });
  }
  const failing = Object.entries(checks)
    .filter(([, c]) => c.status !== "ok")
    .map(([name]) => name);
  const body = { ...problemBody(new AppError("unavailable", `Not ready: ${failing.join(" and ")} ${failing.length > 1 ? "are" : "is"} not reachable.`)), checks };
  return new TextResponse(JSON.stringify(body), {
    status: 503,
    headers: { "content-type": "application/problem+json", "retry-after": "5", ...NO_STORE },
  });
}
