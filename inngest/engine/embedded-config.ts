// Where the embedded executor listens and the keys it shares with the app. Kept in
// process.env because Next.js loads instrumentation.ts and route handlers as separate
// bundles: one process, separate module graphs, one process.env.
import { randomBytes } from "node:crypto";

export const EXECUTOR_URL_VAR = "GATEHOUSE_EXECUTOR_URL";
export const EXECUTOR_SIGNING_KEY_VAR = "GATEHOUSE_EXECUTOR_SIGNING_KEY";
export const EXECUTOR_EVENT_KEY_VAR = "GATEHOUSE_EXECUTOR_EVENT_KEY";

/** True when no Inngest server (Cloud, `inngest start` or the Dev Server) is configured. */
export function usesEmbeddedExecutor(env: Record<string, string | undefined> = process.env): boolean {
  return !(
    env.INNGEST_DEV ||
    env.INNGEST_BASE_URL ||
    env.INNGEST_API_BASE_URL ||
    env.INNGEST_EVENT_API_BASE_URL ||
    env.INNGEST_SIGNING_KEY
  );
}

/**
 * The executor's origin. Before the engine has started, a fixed GATEHOUSE_EXECUTOR_PORT still
 * gives the right address; otherwise a closed loopback port, so nothing ever leaves the machine.
 */
export function embeddedExecutorUrl(): string {
  const set = process.env[EXECUTOR_URL_VAR];
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
  process.env[EXECUTOR_SIGNING_KEY_VAR] ||= `signkey-embedded-${randomBytes(32).toString("hex")}`;
  process.env[EXECUTOR_EVENT_KEY_VAR] ||= randomBytes(24).toString("hex");
  return {
    signingKey: process.env[EXECUTOR_SIGNING_KEY_VAR]!,
    eventKey: process.env[EXECUTOR_EVENT_KEY_VAR]!,
  };
}
