// Endpoint health: the rolled-up buckets agree with the attempts actually recorded (also when many
// are recorded at once), the windows and percentiles read from them, and the API shows them on
// GET /api/v1/endpoints/{id} and the list, in the documented (strict) shape.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s";
});

import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpointRoute from "@/app/api/v1/endpoints/[id]/route";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { BUCKET_MS, getEndpointHealth, healthBucketRows, latencyBin, percentileOf, pruneHealthBuckets } from "@/lib/webhooks/endpoint-health";
import { endpointHealthSchema } from "@/lib/validations/webhooks";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let bearer: string;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Health" } })).id;
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints": endpoints, "/api/v1/endpoints/[id]": endpointRoute });
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  bearer = (await r.json()).access_token;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await server?.close();
});

describe("percentiles from a histogram", () => {
  it("interpolates inside the bin that holds the rank", () => {
    const hist = new Array(18).fill(0);
    hist[latencyBin(120)] = 10; // 100–150 ms
    expect(percentileOf(hist, 0.5)).toBe(125);
    hist[latencyBin(3000)] = 1; // one slow outlier, 2.5–4 s
    expect(percentileOf(hist, 0.5)).toBeGreaterThanOrEqual(100);
    expect(percentileOf(hist, 0.5)).toBeLessThanOrEqual(150);
    expect(percentileOf(hist, 0.99)).toBeGreaterThan(2500);
    expect(percentileOf(new Array(18).fill(0), 0.5)).toBeNull();
    expect(latencyBin(0)).toBe(0);
    expect(latencyBin(10)).toBe(0);
    expect(latencyBin(10.5)).toBe(1);
    expect(latencyBin(999_999)).toBe(17);
  });

  it("rolls a batch up per endpoint and ten minutes, leaving latency out for attempts that got no response", () => {
    const t = new Date(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS + 1000);
    const rows = healthBucketRows([
      { endpointId: "a", at: t, ok: true, latencyMs: 20, responded: true },
      { endpointId: "a", at: new Date(t.getTime() + 5), ok: false, latencyMs: 10_000, responded: false },
      { endpointId: "b", at: t, ok: true, latencyMs: 20, responded: true },
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ endpointId: "a", attempts: 2, succeeded: 1, lastSuccessAt: t.toISOString() });
    expect(rows[0]!.hist.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe("health of a real endpoint", () => {
  it("counts every recorded attempt once, with rates and latencies, in the API's strict shape", async () => {
    // Each message answers 200 after ~120 ms, except that message 0 fails its first attempt.
    const firstTry = new Set<string>();
    receiver.respondWith((req) => {
      const id = String(req.headers["webhook-id"]);
      if (req.body.includes('"n":0') && !firstTry.has(id)) {
        firstTry.add(id);
        return { status: 500 };
      }
      return { status: 200, delayMs: 120 };
    });
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "measured", url: `${receiver.url}/m`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const N = 24;
    const ids: string[] = [];
    // All at once: batches and concurrent recordings must not lose or double a count.
    const results = await Promise.all(Array.from({ length: N }, (_, n) => ingestEvent({ orgId, environment: "test", type: "run.completed", data: { n } })));
    for (const r of results) ids.push(...r.pendingDeliveryIds);
    await waitFor(async () => (await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === N, 30_000, "every delivery");

    const attempts = await db.deliveryAttempt.count({ where: { delivery: { endpointId: endpoint.id } } });
    expect(attempts).toBe(N + 1);
    const buckets = await db.endpointHealthBucket.findMany({ where: { endpointId: endpoint.id } });
    expect(buckets.length).toBeLessThanOrEqual(2); // one row per ten minutes, however many attempts
    expect(buckets.reduce((a, b) => a + b.attempts, 0)).toBe(attempts);
    expect(buckets.reduce((a, b) => a + b.succeeded, 0)).toBe(N);

    const res = await fetch(`${server.origin}/api/v1/endpoints/${endpoint.id}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    const health = endpointHealthSchema.parse(body.health);
    expect(health).toMatchObject({ state: "healthy", failing_reason: null, consecutive_failures: 0, failing_since: null, circuit: { state: "closed" } });
    for (const w of ["1h", "24h", "7d"] as const) {
      expect(health.windows[w]).toMatchObject({ attempts: N + 1, succeeded: N, success_rate: Math.round((N / (N + 1)) * 1000) / 10 });
      // The receiver answers after 120 ms; on a loaded machine the measured time is longer.
      expect(health.windows[w].latency_p50_ms).toBeGreaterThanOrEqual(100);
      expect(health.windows[w].latency_p95_ms).toBeGreaterThanOrEqual(health.windows[w].latency_p50_ms!);
      expect(health.windows[w].latency_p95_ms).toBeLessThan(10_000);
    }
    expect(health.seconds_since_last_success).toBeLessThan(60);
    const list = await (await fetch(`${server.origin}/api/v1/endpoints`, { headers: { authorization: `Bearer ${bearer}` } })).json();
    expect(list.data.find((e: { id: string }) => e.id === endpoint.id).health.windows["1h"].attempts).toBe(N + 1);
  }, 60_000);

  it("keeps windows apart and flags a low success rate as failing", async () => {
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "windows", url: `${receiver.url}/w`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const now = new Date();
    const at = (ago: number) => new Date(Math.floor((now.getTime() - ago) / BUCKET_MS) * BUCKET_MS);
    const hist = (n: number) => Object.assign(new Array(18).fill(0), { 4: n });
    await db.endpointHealthBucket.createMany({
      data: [
        { endpointId: endpoint.id, start: at(0), attempts: 30, succeeded: 3, latencyHistogram: hist(30) }, // this hour: 10 %
        { endpointId: endpoint.id, start: at(3 * 3_600_000), attempts: 70, succeeded: 70, latencyHistogram: hist(70), lastSuccessAt: at(3 * 3_600_000) },
        { endpointId: endpoint.id, start: at(3 * 86_400_000), attempts: 100, succeeded: 100, latencyHistogram: hist(100) },
        { endpointId: endpoint.id, start: at(9 * 86_400_000), attempts: 1000, succeeded: 0, latencyHistogram: hist(1000) }, // outside 7 d
      ],
    });
    const e = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const h = await getEndpointHealth(e, now);
    expect([h.windows["1h"].attempts, h.windows["24h"].attempts, h.windows["7d"].attempts]).toEqual([30, 100, 200]);
    expect([h.windows["1h"].success_rate, h.windows["24h"].success_rate, h.windows["7d"].success_rate]).toEqual([10, 73, 86.5]);
    expect(h.windows["1h"].latency_p95_ms).toBeGreaterThan(75);
    expect(h.windows["1h"].latency_p95_ms).toBeLessThanOrEqual(100);
    expect(h).toMatchObject({ state: "failing", failing_reason: "success_rate", circuit: { state: "closed" } });
  });

  it("shows a receiver's Retry-After pause of the whole endpoint: until when, and which answer asked for it", async () => {
    // The first request is answered 429 with Retry-After: 120; nothing after it may be sent.
    let requests = 0;
    receiver.respondWith((req) => (req.path !== "/wait" ? { status: 200 } : ++requests === 1 ? { status: 429, headers: { "retry-after": "120" } } : { status: 200 }));
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "asked-to-wait", url: `${receiver.url}/wait`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const before = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect((await getEndpointHealth(before)).receiver_pause).toBeNull();
    await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { n: "first" } });
    // (The other endpoints of this file subscribe to every event too.)
    const first = await waitFor(() => db.deliveryAttempt.findFirst({ where: { delivery: { endpointId: endpoint.id } } }), 20_000, "the 429");
    const asked = Date.now();
    // A second event makes the next claim, which writes the pause the release carried.
    await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { n: "second" } });
    let health: ReturnType<typeof endpointHealthSchema.parse> | undefined;
    await waitFor(
      async () => {
        const res = await fetch(`${server.origin}/api/v1/endpoints/${endpoint.id}`, { headers: { authorization: `Bearer ${bearer}` } });
        health = endpointHealthSchema.parse((await res.json()).health);
        return health.receiver_pause !== null;
      },
      20_000,
      "the pause on the endpoint",
    );
    const pause = health!.receiver_pause!;
    expect(pause).toMatchObject({ status: 429, delivery_id: first.deliveryId });
    expect(Date.parse(pause.until)).toBeGreaterThan(asked + 100_000);
    expect(Date.parse(pause.until)).toBeLessThan(asked + 125_000);
    expect(Math.abs(Date.parse(pause.asked_at!) - asked)).toBeLessThan(20_000);
    expect(requests).toBe(1);
    // Over: nothing is shown.
    const after = await getEndpointHealth(await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } }), new Date(Date.parse(pause.until) + 1000));
    expect(after.receiver_pause).toBeNull();
  }, 60_000);

  it("deletes buckets past the longest window and keeps the rest", async () => {
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "pruned", url: `${receiver.url}/p`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const now = new Date();
    const start = (daysAgo: number) => new Date(Math.floor((now.getTime() - daysAgo * 86_400_000) / BUCKET_MS) * BUCKET_MS);
    await db.endpointHealthBucket.createMany({
      data: [6, 7.5, 8.5, 30].map((d) => ({ endpointId: endpoint.id, start: start(d), attempts: 1, succeeded: 1, latencyHistogram: [] })),
    });
    expect(await pruneHealthBuckets(now)).toBeGreaterThanOrEqual(2); // and the 9-day-old one above
    const left = await db.endpointHealthBucket.findMany({ where: { endpointId: endpoint.id }, orderBy: { start: "asc" } });
    expect(left.map((b) => b.start.getTime())).toEqual([start(7.5).getTime(), start(6).getTime()]);
  });
});
