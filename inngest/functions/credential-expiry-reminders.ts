// Daily: expiry reminders for credentials expiring within 30/7/1 days, one per credential per
// threshold (lib/notifications/credential-reminders.ts); a second run writes nothing new.
import { inngest } from "@/inngest/client";
import { runCredentialExpiryReminders } from "@/lib/notifications/credential-reminders";

export const credentialExpiryReminders = inngest.createFunction(
  { id: "credential-expiry-reminders", retries: 2, triggers: [{ cron: "15 6 * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => step.run("remind", () => runCredentialExpiryReminders()),
);
