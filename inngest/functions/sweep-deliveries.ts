// Every minute: re-sends deliveries that were committed but never sent, and releases held ones
// whose endpoint is active again. Deterministic event ids make a needless resend harmless.
import { inngest } from "@/inngest/client";
import { sendDeliveries } from "@/inngest/dispatch";
import { findDeliveriesToResend } from "@/lib/deliveries/sweep";

export const sweepDeliveries = inngest.createFunction(
  { id: "sweep-deliveries", retries: 2, triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const ids = await step.run("find", () => findDeliveriesToResend());
    if (ids.length) await step.run("send", () => sendDeliveries(ids));
    return { resent: ids.length };
  },
);
