// The parts of the Inngest SDK protocol (inngest@4.24) the executor reads. Parsed, not
// trusted: contract tests pin these shapes so an SDK upgrade that changes them fails a test.
import { z } from "zod";

export const triggerSchema = z.union([
  z.object({ event: z.string(), expression: z.string().optional() }),
  z.object({ cron: z.string(), jitter: z.string().optional() }),
]);

const concurrencyOption = z.object({
  limit: z.number().int(),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});

export const functionConfigSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    triggers: z.array(triggerSchema),
    steps: z.record(
      z.string(),
      z.object({
        id: z.string(),
        name: z.string(),
        runtime: z.object({ type: z.string(), url: z.string().url() }),
        retries: z.object({ attempts: z.number().int().min(0).optional() }).optional(),
      }),
    ),
    idempotency: z.string().optional(),
    batchEvents: z
      .object({ maxSize: z.number().int().min(1), timeout: z.string(), key: z.string().optional(), if: z.string().optional() })
      .optional(),
    concurrency: z.union([z.number().int(), concurrencyOption, z.array(concurrencyOption)]).optional(),
  })
  .loose();
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

/** Reply to an in-band sync (PUT with `x-inngest-sync-kind: in_band`). */
export const inBandSyncSchema = z.object({ app_id: z.string(), url: z.string(), functions: z.array(functionConfigSchema) }).loose();

/** Body of `POST /fn/register` (out-of-band sync). */
export const registerSchema = z.object({ appName: z.string(), url: z.string(), functions: z.array(functionConfigSchema) }).loose();

/** Op codes in a 206 reply. */
export const OP = {
  StepRun: "StepRun",
  Step: "Step", // legacy StepRun
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  StepNotFound: "StepNotFound",
  RunComplete: "RunComplete",
  DiscoveryRequest: "DiscoveryRequest",
} as const;

export const opSchema = z
  .object({
    id: z.string(),
    op: z.string(),
    name: z.string().optional(),
    displayName: z.string().optional(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
    opts: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type Op = z.infer<typeof opSchema>;

/** Retries when a function sets none, as Inngest's servers do. */
export const DEFAULT_RETRIES = 4;

export const FUNCTION_FAILED_EVENT = "inngest/function.failed";
export const CRON_EVENT = "inngest/scheduled.timer";

/** Per-function concurrency limits: [{limit, key?}]. */
export function concurrencyLimits(config: FunctionConfig): { limit: number; key?: string }[] {
  const c = config.concurrency;
  if (c === undefined) return [];
  const list = typeof c === "number" ? [{ limit: c }] : Array.isArray(c) ? c : [c];
  return list.filter((x) => x.limit > 0);
}

export function maxAttempts(config: FunctionConfig): number {
  const step = config.steps.step ?? Object.values(config.steps)[0];
  return (step?.retries?.attempts ?? DEFAULT_RETRIES) + 1;
}
