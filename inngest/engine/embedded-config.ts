// Where the embedded executor listens and the keys it shares with the app. Held by the process's
// runtime (lib/runtime/runtime.ts), not process.env: Next.js loads instrumentation.ts and the
// route handlers as separate module graphs, and the runtime is the one object they all find.
// The keys may be set in the environment (GATEHOUSE_EXECUTOR_SIGNING_KEY / _EVENT_KEY), which is
// only ever read.
import { randomBytes } from "node:crypto";
import { runtime } from "@/lib/runtime/runtime";

export const EXECUTOR_SIGNING_KEY_VAR = "GATEHOUSE_EXECUTOR_SIGNING_KEY";
export const EXECUTOR_EVENT_KEY_VAR = "GATEHOUSE_EXECUTOR_EVENT_KEY";

const configured = (env: Record<string, string | undefined>) =>
  Boolean(env.INNGEST_DEV || env.INNGEST_BASE_URL || env.INNGEST_API_BASE_URL || env.INNGEST_EVENT_API_BASE_URL || env.INNGEST_SIGNING_KEY);

/**
 * True when no Inngest server (Cloud, `inngest start` or the Dev Server) is configured. The
 * process's mode is decided once, from its environment; `env` asks about another environment.
 */
export function usesEmbeddedExecutor(env?: Record<string, string | undefined>): boolean {
  if (env) return !configured(env);
  const state = runtime().executor;
  state.mode ??= configured(process.env) ? "inngest" : "embedded";
  return state.mode === "embedded";
}

/** Where this process's embedded executor listens (start-engine.ts); undefined clears it. */
export function setEmbeddedExecutorUrl(url: string | undefined): void {
  runtime().executor.url = url;
}

/**
 * The executor's origin. Before the engine has started, a fixed GATEHOUSE_EXECUTOR_PORT still
 * gives the right address; otherwise a closed loopback port, so nothing ever leaves the machine.
 */
export function embeddedExecutorUrl(): string {
  const set = runtime().executor.url;
  if (set) return set;
  const port = Number(process.env.GATEHOUSE_EXECUTOR_PORT ?? 0);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 ? port : 1}/`;
}

/**
 * The signing and event keys of this process. The app's serve endpoint runs in cloud mode
 * against the embedded executor, so every call into it must carry a valid signature: the
 * endpoint is public, and dev mode would let anyone run a function with a forged event.
 * Generated once per process unless set in the environment.
 */
export function embeddedKeys(): { signingKey: string; eventKey: string } {
  return (runtime().executor.keys ??= {
    signingKey: process.env[EXECUTOR_SIGNING_KEY_VAR] || `signkey-embedded-${randomBytes(32).toString("hex")}`,
    eventKey: process.env[EXECUTOR_EVENT_KEY_VAR] || randomBytes(24).toString("hex"),
  });
}
