// Payload filters and channels at fan-out, through the real API (route handlers on loopback, real
// access tokens), the real delivery engine and a real receiver that counts what arrives: an
// event the filter or the channels leave out gets no delivery at all. Attacked with concurrent
// events (one statement stores several), a filter changed here and one changed behind this
// process's back (another process), bad filters and channel names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let tok: string;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  receiver.respondWith(() => ({ status: 204 }));
  server = await serveRoutes(API_ROUTES);
  orgId = (await db.organization.create({ data: { name: "Filters" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:read", "endpoints:write", "events:read", "events:write"],
    expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
  for (const name of ["invoice.paid", "invoice.voided", "order.placed"]) {
    await db.eventType.create({ data: { orgId, environment: "test", name, description: name } });
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
  await stack?.close();
  await receiver?.close();
});

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, type: r.headers.get("content-type"), body: await r.json() };
};

const arrivalsAt = (path: string) => receiver.requests.filter((r) => r.path === path);
/** Waits until `n` requests reached `path`, then a little longer to see that no more come. */
async function expectArrivals(path: string, n: number) {
  const deadline = Date.now() + 20_000;
  while (arrivalsAt(path).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 700));
  expect(arrivalsAt(path)).toHaveLength(n);
  return arrivalsAt(path).map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
}

async function endpoint(path: string, extra: Record<string, unknown>) {
  const r = await api("POST", "/api/v1/endpoints", { name: path, url: `${receiver.url}${path}`, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; filter: string | null; channels: string[] };
}

const send = (type: string, data: Record<string, unknown>, channels?: string[]) =>
  api("POST", "/api/v1/events", { type, data, ...(channels ? { channels } : {}) });

describe("payload filters", () => {
  it("a filter matching 3 of 10 events creates exactly 3 deliveries, and the receiver gets exactly those 3", async () => {
    const filter = 'data.amount > 100 && data.currency in ["usd", "eur"]';
    const ep = await endpoint("/filtered", { filter, event_types: ["invoice.paid"] });
    expect(ep.filter).toBe(filter);
    const all = await endpoint("/unfiltered", { event_types: ["invoice.paid"] });
    const events: Record<string, unknown>[] = [
      { n: 1, amount: 150, currency: "usd" }, // match
      { n: 2, amount: 50, currency: "usd" },
      { n: 3, amount: 500, currency: "eur" }, // match
      { n: 4, amount: 500, currency: "gbp" },
      { n: 5, amount: "900", currency: "usd" }, // a string never orders against a number
      { n: 6, currency: "usd" },
      { n: 7, amount: 101, currency: "eur" }, // match
      { n: 8, amount: 100, currency: "eur" },
      { n: 9, amount: { value: 1000 }, currency: "usd" },
      { n: 10, amount: 1e6, currency: "USD" },
    ];
    // Concurrently: group commit stores several in one statement, each matched by its own position.
    const answers = await Promise.all(events.map((data) => send("invoice.paid", data)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.map((a) => a.body.deliveries)).toEqual(events.map((e) => ([1, 3, 7].includes(e.n as number) ? 2 : 1)));
    expect(await db.delivery.count({ where: { endpointId: ep.id } })).toBe(3);
    expect(await db.delivery.count({ where: { endpointId: all.id } })).toBe(10);
    const got = await expectArrivals("/filtered", 3);
    expect(got.map((g) => g.data.n).sort()).toEqual([1, 3, 7]);
    await expectArrivals("/unfiltered", 10);
  }, 60_000);

  it("a filter changed through the API, or behind this process's back, applies to the very next event", async () => {
    const ep = await endpoint("/changing", { filter: "data.v == 1", event_types: ["order.placed"] });
    expect((await send("order.placed", { v: 1 })).body.deliveries).toBe(1);
    expect((await send("order.placed", { v: 2 })).body.deliveries).toBe(0);
    const patched = await api("PATCH", `/api/v1/endpoints/${ep.id}`, { filter: "data.v == 2" });
    expect(patched.status).toBe(200);
    // Audited with the endpoint's other settings: what it was, what it is.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId, action: "endpoint.updated", targetId: ep.id } });
    expect(audit.before).toEqual({ filter: "data.v == 1" });
    expect(audit.after).toEqual({ filter: "data.v == 2" });
    expect((await send("order.placed", { v: 1 })).body.deliveries).toBe(0);
    expect((await send("order.placed", { v: 2 })).body.deliveries).toBe(1);
    // Another process edits the row: this process still holds "data.v == 2".
    await db.endpoint.update({ where: { id: ep.id }, data: { filter: "data.v == 3" } });
    expect((await send("order.placed", { v: 2 })).body.deliveries).toBe(0);
    expect((await send("order.placed", { v: 3 })).body.deliveries).toBe(1);
    // Removed: every event of the type again.
    expect((await api("PATCH", `/api/v1/endpoints/${ep.id}`, { filter: null })).body.filter).toBeNull();
    expect((await send("order.placed", { v: 99 })).body.deliveries).toBe(1);
    // A new filtered endpoint created behind this process's back is honoured at once too.
    const other = await endpoint("/late", { event_types: ["order.placed"] });
    await db.endpoint.update({ where: { id: other.id }, data: { filter: "data.v == 7" } });
    expect((await send("order.placed", { v: 8 })).body.deliveries).toBe(1);
    expect((await send("order.placed", { v: 7 })).body.deliveries).toBe(2);
    const got = await expectArrivals("/changing", 6);
    // Which events arrived is what the filter decides; their order at the receiver is not (a
    // retry-free endpoint without FIFO may deliver two close events either way round).
    expect(got.map((g) => g.data.v as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 7, 8, 99]);
    expect((await expectArrivals("/late", 1)).map((g) => g.data.v)).toEqual([7]);
  }, 60_000);

  it("sees the event's type and channels as well as its data", async () => {
    await endpoint("/typed", { filter: 'type == "invoice.voided" || channels[0] == "vip"' });
    await send("invoice.paid", { a: 1 });
    await send("invoice.voided", { a: 2 });
    await send("invoice.paid", { a: 3 }, ["vip"]);
    const got = await expectArrivals("/typed", 2);
    expect(got.map((g) => g.data.a).sort()).toEqual([2, 3]);
  }, 60_000);

  it("a bad filter is refused with 422 naming `filter` and the position of the error", async () => {
    const r = await api("POST", "/api/v1/endpoints", { name: "bad", url: `${receiver.url}/bad`, filter: "data.amount >> 100" });
    expect(r.status).toBe(422);
    expect(r.type).toBe("application/problem+json");
    expect(r.body.errors).toEqual([{ field: "filter", message: expect.stringContaining("at position 13"), position: 13 }]);
    expect(r.body.detail).toContain("filter: ");
    const ep = await endpoint("/bad-later", {});
    const p = await api("PATCH", `/api/v1/endpoints/${ep.id}`, { filter: 'data.currency in ["usd" "eur"]' });
    expect(p.status).toBe(422);
    expect(p.body.errors[0]).toMatchObject({ field: "filter", position: 24 });
    expect((await api("PATCH", `/api/v1/endpoints/${ep.id}`, { filter: "x".repeat(2001) })).body.errors[0].message).toContain("too long");
    expect((await api("GET", `/api/v1/endpoints/${ep.id}`)).body.filter).toBeNull();
  });
});

describe("channels", () => {
  it("an endpoint with channels receives only events carrying one of them; one without receives all", async () => {
    const eu = await endpoint("/eu", { channels: ["eu", "eu.north"], event_types: ["invoice.voided"] });
    expect(eu.channels).toEqual(["eu", "eu.north"]);
    await endpoint("/any-channel", { event_types: ["invoice.voided"] });
    const sent = [
      ["eu"], // yes
      ["us"],
      undefined,
      ["us", "eu.north"], // yes
      ["EU"], // names are case-sensitive
    ];
    for (const [n, channels] of sent.entries()) {
      const r = await send("invoice.voided", { n }, channels);
      expect(r.status).toBe(202);
    }
    expect((await expectArrivals("/eu", 2)).map((g) => g.data.n)).toEqual([0, 3]);
    await expectArrivals("/any-channel", 5);
    // Channels are stored with the event and shown.
    const list = await api("GET", "/api/v1/events?type=invoice.voided&limit=5");
    expect(list.body.data.map((e: { channels: string[] }) => e.channels)).toEqual([["EU"], ["us", "eu.north"], [], ["us"], ["eu"]]);
  }, 60_000);

  it("bad channel names get 422 naming the element and the character's position", async () => {
    const r = await send("invoice.paid", { a: 1 }, ["ok", "not ok"]);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: "channels[1]", message: expect.stringContaining("position 3"), position: 3 }]);
    const many = await send("invoice.paid", { a: 1 }, Array.from({ length: 11 }, (_, i) => `c${i}`));
    expect(many.body.errors[0].field).toBe("channels");
    const e = await api("POST", "/api/v1/endpoints", { name: "x", url: `${receiver.url}/x`, channels: ["a,b"] });
    expect(e.status).toBe(422);
    expect(e.body.errors[0]).toMatchObject({ field: "channels[0]", message: expect.stringContaining("position 1"), position: 1 });
  });
});

describe("POST /api/v1/endpoints/filter-preview", () => {
  it("lists the last 20 events with whether an endpoint with these settings would get each, and why not", async () => {
    for (let n = 0; n < 3; n++) await send("order.placed", { preview: n, amount: n * 100 }, n === 2 ? ["eu"] : undefined);
    const r = await api("POST", "/api/v1/endpoints/filter-preview", { filter: "data.amount >= 100", event_types: ["order.placed"] });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(Math.min(20, await db.event.count({ where: { orgId } })));
    expect(r.body.data.slice(0, 3)).toMatchObject([
      { type: "order.placed", channels: ["eu"], matches: true, reason: "matches" },
      { type: "order.placed", channels: [], matches: true, reason: "matches" },
      { type: "order.placed", matches: false, reason: "filter" },
    ]);
    expect(r.body.matched).toBe(r.body.data.filter((d: { matches: boolean }) => d.matches).length);
    const byChannel = await api("POST", "/api/v1/endpoints/filter-preview", { channels: ["eu"] });
    expect(byChannel.body.data.slice(0, 2).map((d: { reason: string }) => d.reason)).toEqual(["matches", "channels"]);
    const wrongType = await api("POST", "/api/v1/endpoints/filter-preview", { event_types: ["invoice.paid"] });
    expect(wrongType.body.data[0].reason).toBe("event_type");
    // Nothing was created.
    expect(await db.endpoint.count({ where: { orgId, name: "preview" } })).toBe(0);
    const bad = await api("POST", "/api/v1/endpoints/filter-preview", { filter: "data.amount >= " });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: "filter", position: 15 });
  }, 60_000);
});
