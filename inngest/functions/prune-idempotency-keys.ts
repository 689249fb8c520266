// Every hour: deletes Idempotency-Key records past their 24 hours (claims also prune a batch
// as they go; this keeps an idle installation clean too).
import { inngest } from "@/inngest/client";
import { pruneIdempotencyKeys } from "@/lib/api/idempotency";

export const pruneIdempotencyKeysFn = inngest.createFunction(
  { id: "prune-idempotency-keys", retries: 2, triggers: [{ cron: "17 * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const removed = await step.run("prune", () => pruneIdempotencyKeys({ limit: 10_000 }));
    return { removed };
  },
);
