// POST /api/v1/events and the deliveries it creates, over real HTTP on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpoint from "@/app/api/v1/endpoints/[id]/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as archive from "@/app/api/v1/event-types/[name]/archive/route";
import * as events from "@/app/api/v1/events/route";
import * as eventRoute from "@/app/api/v1/events/[id]/route";
import * as deliveriesRoute from "@/app/api/v1/deliveries/route";
import * as deliveryRoute from "@/app/api/v1/deliveries/[id]/route";
import { createGatehouseClient } from "@/clients/typescript/index";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { ingestEvent } from "@/lib/events/ingest-event";
import { holdDeliveryIfEndpointPaused, setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let tok: string;
const dispatched: string[][] = [];

const bearer = (org: string, scopes: string[], environment: "test" | "live" = "test") => bearerFor(server.origin, org, scopes, environment);

function call(method: string, path: string, body?: unknown, t = tok, headers: Record<string, string> = {}) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${t}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function newEndpoint(name: string, extra: Record<string, unknown> = {}, t = tok) {
  const r = await call("POST", "/api/v1/endpoints", { name, url: `https://example.com/${name}`, ...extra }, t);
  expect(r.status).toBe(201);
  return (await r.json()).id as string;
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/endpoints": endpoints,
    "/api/v1/endpoints/[id]": endpoint,
    "/api/v1/event-types": eventTypes,
    "/api/v1/event-types/[name]/archive": archive,
    "/api/v1/events": events,
    "/api/v1/events/[id]": eventRoute,
    "/api/v1/deliveries": deliveriesRoute,
    "/api/v1/deliveries/[id]": deliveryRoute,
  });
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  tok = await bearer(orgId, ["endpoints:read", "endpoints:write", "events:read", "events:write"]);
  setDeliveryDispatcher(async (refs) => {
    dispatched.push(refs.map((r) => (typeof r === "string" ? r : r.id)));
  });
});
afterAll(async () => {
  setDeliveryDispatcher(undefined);
  await server.close();
});

describe("POST /api/v1/events", () => {
  it("creates one delivery per subscribed endpoint: active → pending, paused → held, others none", async () => {
    const all = await newEndpoint("all");
    const sub = await newEndpoint("sub", { event_types: ["run.completed"] });
    const other = await newEndpoint("other", { event_types: ["run.failed"] });
    const paused = await newEndpoint("paused", { event_types: ["run.completed"] });
    const disabled = await newEndpoint("disabled");
    await call("PATCH", `/api/v1/endpoints/${paused}`, { status: "PAUSED" });
    await db.endpoint.update({ where: { id: disabled }, data: { status: "disabled", disabledReason: "410 Gone" } });
    const liveTok = await bearer(orgId, ["endpoints:write"], "live");
    const live = await newEndpoint("live-one", {}, liveTok);

    dispatched.length = 0;
    const res = await call("POST", "/api/v1/events", { type: "run.completed", data: { run_id: "r1", duration_ms: 5 } });
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(accepted).toMatchObject({ type: "run.completed", deliveries: 3, external_id: null });
    expect(accepted.id).toMatch(/^evt_[0-9a-z]{26}$/);

    const rows = await db.delivery.findMany({ where: { eventId: accepted.id } });
    const byEndpoint = Object.fromEntries(rows.map((d) => [d.endpointId, d.status]));
    expect(byEndpoint).toEqual({ [all]: "pending", [sub]: "pending", [paused]: "held" });
    for (const absent of [other, disabled, live]) expect(byEndpoint[absent]).toBeUndefined();
    expect(rows.every((d) => /^msg_[0-9a-z]{26}$/.test(d.id) && d.orgId === orgId && d.environment === "test")).toBe(true);
    // Only pending deliveries go to the dispatcher, after commit.
    expect(dispatched).toEqual([expect.arrayContaining(rows.filter((d) => d.status === "pending").map((d) => d.id))]);
    expect(dispatched[0]).toHaveLength(2);

    const detail = await (await call("GET", `/api/v1/events/${accepted.id}`)).json();
    expect(detail).toMatchObject({ id: accepted.id, type: "run.completed", data: { run_id: "r1", duration_ms: 5 }, environment: "test" });
    expect(detail.deliveries).toHaveLength(3);
    expect(detail.deliveries[0]).toEqual({
      id: expect.stringMatching(/^msg_/),
      endpoint_id: expect.any(String),
      endpoint_name: expect.any(String),
      status: expect.stringMatching(/^(pending|held)$/),
      attempts: 0,
      next_attempt_at: null,
      last_attempt_at: null,
      last_response_status: null,
      replay_of_id: null,
      created_at: accepted.created_at,
    });

    // Resume releases the held delivery to the dispatcher; pausing again holds nothing new.
    dispatched.length = 0;
    const resumed = await setEndpointStatus({ orgId, environment: "test", id: paused, status: "active", ctx });
    expect(resumed.releasedDeliveryIds).toEqual(rows.filter((d) => d.status === "held").map((d) => d.id));
    expect(dispatched).toEqual([resumed.releasedDeliveryIds]);
    const released = await db.delivery.findUniqueOrThrow({ where: { id: resumed.releasedDeliveryIds[0] } });
    expect(released.status).toBe("pending");
    expect(released.releasedAt).not.toBeNull();

    await db.delivery.deleteMany({});
    await db.endpoint.deleteMany({ where: { orgId } });
  });

  it("releases held deliveries oldest first, and the engine's hold is atomic with pause", async () => {
    const ep = await newEndpoint("ordered");
    await call("PATCH", `/api/v1/endpoints/${ep}`, { status: "PAUSED" });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await ingestEvent({ orgId, environment: "test", type: "run.failed", data: { n: i } });
      ids.push(...r.heldDeliveryIds);
    }
    expect(ids).toHaveLength(5);
    const resumed = await (await call("PATCH", `/api/v1/endpoints/${ep}`, { status: "ACTIVE" })).json();
    expect(resumed.status).toBe("ACTIVE");
    expect(dispatched.at(-1)).toEqual(ids);

    // The engine finds a pending delivery: held only if the endpoint is paused now.
    const r = await ingestEvent({ orgId, environment: "test", type: "run.failed", data: {} });
    const [pending] = r.pendingDeliveryIds;
    expect(await holdDeliveryIfEndpointPaused(pending!)).toBe(false);
    await setEndpointStatus({ orgId, environment: "test", id: ep, status: "paused", ctx });
    expect(await holdDeliveryIfEndpointPaused(pending!)).toBe(true);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: pending } })).status).toBe("held");
    const again = await setEndpointStatus({ orgId, environment: "test", id: ep, status: "active", ctx });
    expect(again.releasedDeliveryIds).toEqual([pending]);
    await db.endpoint.deleteMany({ where: { orgId } });
  });

  it("dedupes by `id`: the same id returns the same event and creates no deliveries", async () => {
    await newEndpoint("dedupe");
    const body = { type: "run.completed", data: { run_id: "r2" }, id: "order-1234" };
    const first = await (await call("POST", "/api/v1/events", body)).json();
    expect(first).toMatchObject({ external_id: "order-1234", deliveries: 1 });
    const again = await call("POST", "/api/v1/events", body);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(first);
    expect(await db.event.count({ where: { idempotencyKey: "order-1234" } })).toBe(1);
    expect(await db.delivery.count({ where: { eventId: first.id } })).toBe(1);

    const clash = await call("POST", "/api/v1/events", { ...body, data: { run_id: "other" } });
    expect(clash.status).toBe(409);
    expect((await clash.json()).errors).toEqual([{ field: "id", message: "already used for a different event" }]);

    // Concurrent duplicates: one event, one set of deliveries.
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", "/api/v1/events", { type: "run.completed", data: { run_id: "r3" }, id: "burst-1" })),
    );
    const ids = new Set(await Promise.all(burst.map(async (r) => (expect(r.status).toBe(202), (await r.json()).id))));
    expect(ids.size).toBe(1);
    expect(await db.delivery.count({ where: { eventId: [...ids][0] } })).toBe(1);

    // Idempotency-Key is handled by the wrapper: same key, other body → 422.
    const k = { "idempotency-key": "k-1" };
    expect((await call("POST", "/api/v1/events", { type: "run.completed", data: { a: 1 } }, tok, k)).status).toBe(202);
    expect((await call("POST", "/api/v1/events", { type: "run.completed", data: { a: 2 } }, tok, k)).status).toBe(422);
    await db.endpoint.deleteMany({ where: { orgId } });
  });

  it("validates type and data, naming each field, and writes nothing on failure", async () => {
    const before = await db.event.count();
    const post = (b: unknown) => call("POST", "/api/v1/events", b);
    const fields = async (r: Response) => {
      expect(r.status).toBe(422);
      return ((await r.json()).errors as { field: string; message: string }[]).map((e) => e.field);
    };
    expect(await fields(await post({ data: {} }))).toEqual(["type"]);
    expect(await fields(await post({ type: "run.completed" }))).toEqual(["data"]);
    expect(await fields(await post({ type: "run.completed", data: [1] }))).toEqual(["data"]);
    expect(await fields(await post({ type: "run.completed", data: "x" }))).toEqual(["data"]);
    expect(await fields(await post({ type: "order.shipped", data: {} }))).toEqual(["type"]);
    expect(await fields(await post({ type: "run.completed", data: {}, id: "has space" }))).toEqual(["id"]);

    await call("POST", "/api/v1/event-types", {
      name: "invoice.paid",
      description: "An invoice was paid.",
      schema: {
        type: "object",
        required: ["amount", "currency"],
        properties: { amount: { type: "number", minimum: 0 }, currency: { type: "string", minLength: 3, maxLength: 3 }, lines: { type: "array", items: { type: "object", required: ["sku"] } } },
      },
    });
    const bad = await post({ type: "invoice.paid", data: { amount: "12", lines: [{ sku: "a" }, { qty: 1 }] } });
    expect(bad.status).toBe(422);
    const problem = await bad.json();
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: "data.amount", message: "must be number" },
        { field: "data.currency", message: "is required" },
        { field: "data.lines[1].sku", message: "is required" },
      ]),
    );
    expect(problem.detail).toContain("data.amount");
    expect((await post({ type: "invoice.paid", data: { amount: 12, currency: "EUR" } })).status).toBe(202);

    await call("POST", "/api/v1/event-types/invoice.paid/archive");
    const archived = await post({ type: "invoice.paid", data: { amount: 12, currency: "EUR" } });
    expect((await archived.json()).errors).toEqual([{ field: "type", message: 'the event type "invoice.paid" is archived' }]);

    const huge = await call("POST", "/api/v1/events", JSON.stringify({ type: "run.completed", data: { x: "y".repeat(300 * 1024) } }));
    expect(huge.status).toBe(413);
    const notJson = await call("POST", "/api/v1/events", "{nope");
    expect(notJson.status).toBe(400);
    expect(await db.event.count()).toBe(before + 1);
  });

  it("lists events newest first with a type filter and cursor pagination; scopes apply", async () => {
    for (const type of ["run.completed", "run.failed", "run.completed"]) {
      await call("POST", "/api/v1/events", { type, data: { t: type } });
    }
    const completed = await (await call("GET", "/api/v1/events?type=run.completed&limit=100")).json();
    expect(completed.data.length).toBeGreaterThanOrEqual(2);
    expect(completed.data.every((e: { type: string }) => e.type === "run.completed")).toBe(true);
    const page1 = await (await call("GET", "/api/v1/events?limit=2")).json();
    const page2 = await (await call("GET", `/api/v1/events?limit=2&cursor=${page1.next_cursor}`)).json();
    expect(page1.data).toHaveLength(2);
    expect(page2.data[0].created_at <= page1.data[1].created_at).toBe(true);
    expect(page2.data.map((e: { id: string }) => e.id)).not.toContain(page1.data[0].id);
    expect((await call("GET", "/api/v1/events/evt_nope")).status).toBe(404);

    const readOnly = await bearer(orgId, ["events:read"]);
    const denied = await call("POST", "/api/v1/events", { type: "run.completed", data: {} }, readOnly);
    expect(denied.status).toBe(403);
    expect((await denied.json()).code).toBe("insufficient_scope");
    expect((await call("GET", "/api/v1/events", undefined, readOnly)).status).toBe(200);
    const writeOnly = await bearer(orgId, ["events:write"]);
    expect((await call("GET", `/api/v1/events/${page1.data[0].id}`, undefined, writeOnly)).status).toBe(403);
  });
});

describe("through the typed client (clients/typescript)", () => {
  it("posts an event, pages the events, and follows it to its deliveries", async () => {
    const t = await bearer(orgId, ["endpoints:write", "events:read", "events:write", "deliveries:read"]);
    const gh = createGatehouseClient({ baseUrl: server.origin, token: t });
    const ep = await gh.POST("/api/v1/endpoints", { body: { name: "typed-events", url: "https://example.com/typed-events", event_types: ["run.failed"] } });
    expect(ep.response.status).toBe(201);

    const posted = await gh.POST("/api/v1/events", { body: { type: "run.failed", data: { run: "typed" } } });
    expect(posted.response.status).toBe(202);
    const eventId = posted.data!.id;

    const one = await gh.GET("/api/v1/events/{id}", { params: { path: { id: eventId } } });
    expect(one.data).toMatchObject({ id: eventId, type: "run.failed" });
    const page1 = await gh.GET("/api/v1/events", { params: { query: { limit: 1, type: "run.failed" } } });
    expect(page1.data!.data.map((e) => e.id)).toEqual([eventId]);
    const bad = await gh.GET("/api/v1/events", { params: { query: { cursor: "not-a-cursor" } } });
    expect(bad.response.status).toBe(422);
    expect(bad.error).toMatchObject({ status: 422 });

    const mine = await gh.GET("/api/v1/deliveries", { params: { query: { event_id: eventId } } });
    expect(mine.data!.data.map((d) => d.endpoint_id)).toContain(ep.data!.id);
    const delivery = mine.data!.data.find((d) => d.endpoint_id === ep.data!.id)!;
    const detail = await gh.GET("/api/v1/deliveries/{id}", { params: { path: { id: delivery.id } } });
    expect(detail.data).toMatchObject({ id: delivery.id, event_id: eventId, endpoint_id: ep.data!.id });
  });
});
