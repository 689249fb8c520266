// Daily: drops the secret-use buckets (which secret authenticated which exchanges, from where)
// older than the retention period (lib/credentials/secret-usage.ts).
import { inngest } from "@/inngest/client";
import { pruneSecretUses } from "@/lib/credentials/secret-usage";
import { retentionDays } from "@/lib/retention/prune-expired";

export const pruneSecretUsesFn = inngest.createFunction(
  { id: "prune-secret-uses", retries: 2, triggers: [{ cron: "41 3 * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const removed = await step.run("prune", () => pruneSecretUses({ days: retentionDays() }));
    return { removed };
  },
);
