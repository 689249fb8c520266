// Every five minutes: sends the `gatehouse.*` operator events of notifications whose process died
// between writing them and sending them (lib/notifications/create-notification.ts). Idempotent:
// each event's idempotency key is its notification's id.
import { inngest } from "@/inngest/client";
import { sendPendingOperatorEvents } from "@/lib/notifications/create-notification";

export const sendOperatorEventsFn = inngest.createFunction(
  { id: "send-operator-events", retries: 2, triggers: [{ cron: "*/5 * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => ({ sent: await step.run("send", () => sendPendingOperatorEvents()) }),
);
