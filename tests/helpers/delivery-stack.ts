// What the end-to-end delivery tests run on: an organization of their own, the embedded executor
// with the real Inngest functions (inngest/testing.ts), and a receiver on loopback (e2e/receiver.ts),
// started before the file's tests and closed after them. Call it at the top of a test file.
import { afterAll, beforeAll } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";

/** The audit context of work the tests do as the system. */
export const systemCtx = { actor: { type: "system" as const, id: null, label: "test" } };

export type DeliveryStack = {
  orgId: string;
  receiver: Receiver;
  engine: Awaited<ReturnType<typeof startDeliveryEngine>>;
};

/**
 * Starts the stack for this file; the object's fields are set once `beforeAll` has run.
 * `retrySchedule` (default "1s,1s,1s": 4 attempts, 1 s apart) is set before the engine loads the
 * delivery function, which reads it.
 */
export function deliveryStackForFile(orgName: string, opts: { retrySchedule?: string } = {}): DeliveryStack {
  process.env.GATEHOUSE_RETRY_SCHEDULE = opts.retrySchedule ?? "1s,1s,1s";
  const s = {} as DeliveryStack;
  beforeAll(async () => {
    s.orgId = (await db.organization.create({ data: { name: orgName } })).id;
    s.engine = await startDeliveryEngine();
    s.receiver = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    await s.engine?.close();
    await s.receiver?.close();
  });
  return s;
}
