// Every night: deletes events, deliveries, attempts and inbound messages past the retention
// period (lib/retention/prune-expired.ts); nothing undelivered is deleted.
import { inngest } from "@/inngest/client";
import { pruneExpired } from "@/lib/retention/prune-expired";

export const pruneExpiredData = inngest.createFunction(
  { id: "prune-expired-data", retries: 2, triggers: [{ cron: "23 3 * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => step.run("prune", () => pruneExpired()),
);
