// Deliveries under stress, finding 5: memory bounded by configuration, not by tenants. A backlog
// of large events to a slow receiver: with GATEHOUSE_DELIVERY_BUFFER_MIB small, the process holds
// the bodies of only as many sends as fit (seen at the receiver as requests in flight at once);
// with the default, the endpoint's 10 go at once. Every delivery arrives either way.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { attemptDeliveries } from "@/lib/deliveries/attempt-delivery";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let orgId: string;
let server: http.Server;
let url: string;
let inFlight = 0;
let maxInFlight = 0;
let received = 0;

beforeAll(async () => {
  process.env.GATEHOUSE_ALLOW_PRIVATE_URLS = "true";
  orgId = (await db.organization.create({ data: { name: "Big payloads" } })).id;
  server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        inFlight--;
        received++;
        res.end("ok");
      }, 400),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  delete process.env.GATEHOUSE_DELIVERY_BUFFER_MIB;
  await new Promise((r) => server.close(r));
});

/** `n` pending deliveries of ~200 KiB events (random, so they do not compress) to a new endpoint. */
async function backlog(name: string, n: number): Promise<string[]> {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url: `${url}/${name}`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i, blob: randomBytes(150 * 1024).toString("base64") }, onlyEndpointId: endpoint.id });
    ids.push(...r.heldDeliveryIds);
  }
  await db.endpoint.update({ where: { id: endpoint.id }, data: { status: "active" } });
  await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "pending", nextAttemptAt: null } });
  return ids;
}

it("a 1.5 MiB buffer holds the bodies of two ~200 KiB sends at once (×3 each), and every delivery arrives", async () => {
  process.env.GATEHOUSE_DELIVERY_BUFFER_MIB = "1.5";
  const ids = await backlog("small-buffer", 12);
  maxInFlight = 0;
  received = 0;
  const outcomes = await attemptDeliveries({ deliveryIds: ids, attempt: 0 });
  expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => "succeeded"));
  expect(received).toBe(12);
  expect(maxInFlight).toBeGreaterThanOrEqual(1);
  expect(maxInFlight).toBeLessThanOrEqual(2);
}, 60_000);

it("with the default buffer (256 MiB) more go at once: up to the endpoint's 10", async () => {
  delete process.env.GATEHOUSE_DELIVERY_BUFFER_MIB;
  const ids = await backlog("default-buffer", 12);
  maxInFlight = 0;
  const outcomes = await attemptDeliveries({ deliveryIds: ids, attempt: 0 });
  expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => "succeeded"));
  expect(maxInFlight).toBeGreaterThan(2);
  expect(maxInFlight).toBeLessThanOrEqual(10);
}, 60_000);
