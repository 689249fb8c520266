// Deliveries under stress, finding 1: one org whose receivers hang must not stall every other
// org. Org A has 100 endpoints on a receiver that never answers within their timeout; org B's
// delivery must still go out while every one of A's calls is hanging, and A must hold no more
// than its own share of the executor. Ordering, not timing: B's request arrives before any of
// A's calls has ended.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { startDeliveryEngine } from "@/inngest/testing";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

process.env.GATEHOUSE_RETRY_SCHEDULE = "30s";
const HOSTILE_ENDPOINTS = 100;
const HANG_MS = 25_000;

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let hanging: Receiver;
let fast: Receiver;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  hanging = await startReceiver();
  hanging.respondWith(() => ({ status: 200, delayMs: HANG_MS }));
  fast = await startReceiver();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await hanging?.close();
  await fast?.close();
});

it("delivers org B's event while org A's 100 endpoints hang, and A holds only its share", async () => {
  const orgA = (await db.organization.create({ data: { name: "Hostile" } })).id;
  const orgB = (await db.organization.create({ data: { name: "Normal" } })).id;
  for (let i = 0; i < HOSTILE_ENDPOINTS; i++) {
    await createEndpoint({
      orgId: orgA,
      environment: "test",
      name: `hang-${i}`,
      url: `${hanging.url}/hang/${i}`,
      eventTypes: [],
      timeoutSeconds: 30,
      fields: ENDPOINTS_FIELDS,
      ctx,
    });
  }
  await createEndpoint({ orgId: orgB, environment: "test", name: "fast", url: `${fast.url}/fast`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });

  await ingestEvent({ orgId: orgA, environment: "test", type: "run.completed", data: { org: "A" } });
  // A's calls are all in flight (as many as it is allowed) before B sends anything.
  await hanging.waitFor(10, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  await ingestEvent({ orgId: orgB, environment: "test", type: "run.completed", data: { org: "B" } });

  const [b] = await fast.waitFor(1, HANG_MS - 2_000);
  expect(JSON.parse(b!.body).data).toEqual({ org: "B" });
  // Not one of A's calls had ended when B's delivery arrived.
  expect(b!.receivedAt.getTime() - started).toBeLessThan(HANG_MS);
  const aSucceeded = await db.delivery.count({ where: { orgId: orgA, status: "succeeded" } });
  expect(aSucceeded).toBe(0);
  // A had no more than its share of calls going (GATEHOUSE_ORG_CONCURRENCY, default 25).
  expect(hanging.requests.length).toBeLessThanOrEqual(25);
  expect(hanging.requests.length).toBeGreaterThan(0);
}, 120_000);
