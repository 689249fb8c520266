// OpenTelemetry traces, exported over OTLP/HTTP (JSON) to a real collector stand-in on loopback
// that records what is POSTed to /v1/traces: an event accepted through the API, its delivery,
// and two attempts (the receiver answers 500, then 204, through the real executor's retry) must
// arrive as `gatehouse.event` → `gatehouse.delivery` → `gatehouse.delivery.attempt` in one trace,
// each attempt a child of its delivery and linked to the event.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { deliverySpanContext, eventSpanContext } from "@/lib/observability/tracing";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
};

// The collector stand-in: every POST body to /v1/traces, parsed (the exporter sends JSON).
const posts: { contentType: string; body: { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] } }[] = [];
const collector = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "POST" && req.url === "/v1/traces") posts.push({ contentType: req.headers["content-type"] ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
process.env.OTEL_SERVICE_NAME = "gatehouse-test";
process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts
const { startTracing } = await import("@/lib/observability/start-tracing");
const tracing = await startTracing();

const spans = () => posts.flatMap((p) => p.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.boolValue);
};

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  server = await serveRoutes(API_ROUTES);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await stack?.close();
  await receiver?.close();
  await tracing?.shutdown();
  collector.closeAllConnections();
  await new Promise<void>((r) => collector.close(() => r()));
});

describe("OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  it("exports event → delivery → attempts in one trace, each attempt under its delivery and linked to the event", async () => {
    expect(tracing, "the SDK started").not.toBeNull();
    const orgId = (await db.organization.create({ data: { name: "Traces" } })).id;
    let calls = 0;
    receiver.respondWith(() => ({ status: ++calls === 1 ? 500 : 204 }));
    await createEndpoint({ orgId, environment: "test", name: "traced", url: `${receiver.url}/traced`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "sender", scopes: ["events:write", "deliveries:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    const tok = await fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
    });
    const token = ((await tok.json()) as { access_token: string }).access_token;
    const res = await fetch(`${server.origin}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "run.completed", data: { traced: true } }),
    });
    expect(res.status).toBe(202);
    const eventId = ((await res.json()) as { id: string }).id;
    await receiver.waitFor(2, 30_000);
    const delivery = await db.delivery.findFirstOrThrow({ where: { eventId } });
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status === "succeeded", 10_000);

    // Spans leave in batches: flush until the two attempts have arrived (bounded).
    for (let i = 0; i < 20 && spans().filter((s) => s.name === "gatehouse.delivery.attempt" && attr(s, "gatehouse.event.id") === eventId).length < 2; i++) {
      await tracing!.forceFlush();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(posts.every((p) => p.contentType.startsWith("application/json"))).toBe(true);
    console.log(`[tracing] span names exported: ${[...new Set(spans().map((s) => s.name))].join(", ")}`);
    const mine = spans().filter((s) => attr(s, "gatehouse.event.id") === eventId);
    const event = mine.filter((s) => s.name === "gatehouse.event");
    const deliveries = mine.filter((s) => s.name === "gatehouse.delivery");
    const attempts = mine.filter((s) => s.name === "gatehouse.delivery.attempt").sort((a, b) => Number(attr(a, "gatehouse.delivery.attempt")) - Number(attr(b, "gatehouse.delivery.attempt")));
    expect(event).toHaveLength(1);
    expect(deliveries).toHaveLength(1);
    expect(attempts).toHaveLength(2);

    // One trace, derived from the event id; the ids any process can compute again.
    const ev = eventSpanContext(eventId);
    const dl = deliverySpanContext(eventId, delivery.id);
    expect(event[0]).toMatchObject({ traceId: ev.traceId, spanId: ev.spanId });
    expect(event[0]!.parentSpanId || undefined).toBeUndefined();
    expect(attr(event[0]!, "gatehouse.event.type")).toBe("run.completed");
    expect(deliveries[0]).toMatchObject({ traceId: ev.traceId, spanId: dl.spanId, parentSpanId: ev.spanId });
    expect(attr(deliveries[0]!, "gatehouse.delivery.id")).toBe(delivery.id);
    for (const a of attempts) {
      expect(a).toMatchObject({ traceId: ev.traceId, parentSpanId: dl.spanId });
      expect(a.links?.map((l) => ({ traceId: l.traceId, spanId: l.spanId }))).toContainEqual({ traceId: ev.traceId, spanId: ev.spanId });
      expect(attr(a, "gatehouse.delivery.id")).toBe(delivery.id);
    }
    expect(new Set(attempts.map((a) => a.spanId)).size).toBe(2);
    expect(attempts.map((a) => attr(a, "http.response.status_code"))).toEqual([500, 204]);
    expect(attempts.map((a) => attr(a, "gatehouse.delivery.outcome"))).toEqual(["retry", "succeeded"]);
    expect(attempts.map((a) => a.status?.code ?? 0)).toEqual([2, 0]); // ERROR, then UNSET
  }, 90_000);
});
