// GET /metrics over real HTTP, parsed as Prometheus exposition text: requests by route template
// and status, token exchanges by outcome, events accepted, a real delivery's attempts (refused
// once with a 500, then delivered) with their latency, and the queue gauges (pending deliveries,
// the oldest one's age) read from the database and cached for a few seconds. Who may read it:
// loopback clients when GATEHOUSE_METRICS_TOKEN is unset (a remote client relayed by a trusted
// proxy is not loopback), only the bearer of that token when it is set.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s,1s";
  delete process.env.GATEHOUSE_METRICS_TOKEN;
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import * as metricsRoute from "@/app/metrics/route";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus text format 0.0.4: `name{a="b",…} value` lines; comments skipped. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;

async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${server.origin}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text, samples: res.status === 200 ? parse(text) : [] };
}

beforeAll(async () => {
  // 127.0.0.1 is a trusted proxy here, so a request can arrive "from" a remote client it relays.
  server = await serveRoutes({ ...API_ROUTES, "/metrics": metricsRoute }, { edge: { trustedProxies: ["127.0.0.1"] } });
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  receiver.respondWith((_req, i) => (i === 0 ? { status: 500, body: "try later" } : { status: 200, body: "ok" }));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await server?.close();
});

describe("GET /metrics", () => {
  it("reports the delivery queue from the database: pending deliveries and the oldest one's age, cached a few seconds", async () => {
    const orgId = (await db.organization.create({ data: { name: "Queued" } })).id;
    // An endpoint nobody delivers to in this test: its deliveries are stored but not dispatched.
    const { endpoint: queued } = await createEndpoint({ orgId, environment: "test", name: "queued", url: "https://example.com/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    for (let i = 0; i < 3; i++) await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, dispatch: false });
    await db.delivery.updateMany({ where: { endpointId: queued.id }, data: { createdAt: new Date(Date.now() - 90_000) } });

    const first = await scrape();
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(first.samples, "gatehouse_delivery_queue_depth")).toBe(3);
    const age = value(first.samples, "gatehouse_delivery_oldest_pending_age_seconds");
    expect(age).toBeGreaterThanOrEqual(89);
    expect(age).toBeLessThan(200);

    // Another pending delivery: the next scrape within the cache window still says 3 (no query per scrape).
    await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i: 4 }, dispatch: false });
    expect(value((await scrape()).samples, "gatehouse_delivery_queue_depth")).toBe(3);
    await db.delivery.updateMany({ where: { endpointId: queued.id }, data: { status: "failed" } }); // out of the way
  });

  it("counts requests by route template, token exchanges by outcome, events, and a real delivery's attempts", async () => {
    const before = (await scrape()).samples;
    const orgId = (await db.organization.create({ data: { name: "Measured" } })).id;
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "svc", scopes: ["endpoints:write", "events:write", "events:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    const exchange = (s: string) =>
      fetch(`${server.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: s }),
      });
    const ok = await exchange(secret);
    expect(ok.status).toBe(200);
    const tok = ((await ok.json()) as { access_token: string }).access_token;
    expect((await exchange(`${secret}x`)).status).toBe(401);
    expect((await exchange(`${secret}y`)).status).toBe(401);

    const api = (path: string, body: unknown) =>
      fetch(`${server.origin}${path}`, { method: "POST", headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const ep = await api("/api/v1/endpoints", { name: "receiver", url: receiver.url });
    expect(ep.status).toBe(201);
    const endpointId = ((await ep.json()) as { id: string }).id;
    const ev = await api("/api/v1/events", { type: "run.completed", data: { n: randomBytes(4).toString("hex") } });
    expect(ev.status).toBe(202);
    await receiver.waitFor(2, 30_000);
    await waitFor(async () => (await db.delivery.findFirst({ where: { endpointId } }))?.status === "succeeded", 30_000);
    const unknown = await fetch(`${server.origin}/api/v1/events/evt_does_not_exist`, { headers: { authorization: `Bearer ${tok}` } });
    expect(unknown.status).toBe(404);

    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta("gatehouse_token_exchanges_total", { outcome: "issued" })).toBe(1);
    expect(delta("gatehouse_token_exchanges_total", { outcome: "invalid_client" })).toBe(2);
    expect(delta("gatehouse_events_accepted_total")).toBe(1);
    expect(delta("gatehouse_delivery_attempts_total", { outcome: "retry" })).toBe(1);
    expect(delta("gatehouse_delivery_attempts_total", { outcome: "succeeded" })).toBe(1);
    expect(delta("gatehouse_delivery_attempt_duration_seconds_count")).toBe(2);
    expect(delta("gatehouse_http_requests_total", { method: "POST", route: "/oauth/token", status: "200" })).toBe(1);
    expect(delta("gatehouse_http_requests_total", { method: "POST", route: "/oauth/token", status: "401" })).toBe(2);
    expect(delta("gatehouse_http_requests_total", { method: "POST", route: "/api/v1/events", status: "202" })).toBe(1);
    expect(delta("gatehouse_http_requests_total", { method: "GET", route: "/api/v1/events/[id]", status: "404" })).toBe(1);
    expect(delta("gatehouse_http_request_duration_seconds_count", { method: "POST", route: "/api/v1/events" })).toBe(1);
    // Bounded labels: templates only, never an id from a path.
    const routes = new Set(after.filter((s) => s.name === "gatehouse_http_requests_total").map((s) => s.labels.route!));
    expect([...routes].filter((r) => /evt_|ep_|msg_/.test(r))).toEqual([]);
    // The process's own metrics come along.
    expect(value(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("without GATEHOUSE_METRICS_TOKEN: loopback clients only, as the edge resolved the client", async () => {
    expect((await scrape()).status).toBe(200);
    const relayed = await scrape({ "x-forwarded-for": "203.0.113.9" });
    expect(relayed.status).toBe(403);
    expect(relayed.type).toBe("application/problem+json");
    expect(relayed.text).not.toContain("gatehouse_");
  });

  it("with GATEHOUSE_METRICS_TOKEN: only its bearer, from anywhere", async () => {
    const token = `metrics-${randomBytes(16).toString("hex")}`;
    process.env.GATEHOUSE_METRICS_TOKEN = token;
    try {
      const none = await scrape();
      expect(none.status).toBe(401);
      expect(none.type).toBe("application/problem+json");
      expect((await fetch(`${server.origin}/metrics`)).headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect((await scrape({ authorization: `Bearer ${token.slice(0, -1)}` })).status).toBe(401);
      expect((await scrape({ authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await scrape({ authorization: `Basic ${token}` })).status).toBe(401);
      const remote = await scrape({ authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.9" });
      expect(remote.status).toBe(200);
      expect(value(remote.samples, "gatehouse_events_accepted_total")).toBeGreaterThan(0);
    } finally {
      delete process.env.GATEHOUSE_METRICS_TOKEN;
    }
  });
});
