// Every ten minutes: ends the rotation grace periods whose old secrets have been unused for the
// time chosen at regeneration (lib/credentials/end-grace-period.ts).
import { inngest } from "@/inngest/client";
import { endUnusedGracePeriods } from "@/lib/credentials/end-grace-period";

export const endUnusedGracePeriodsFn = inngest.createFunction(
  { id: "end-unused-grace-periods", retries: 2, triggers: [{ cron: "*/10 * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const ended = await step.run("end", () => endUnusedGracePeriods());
    return { ended: ended.length };
  },
);
