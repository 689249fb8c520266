// Finding any delivery: GET /api/v1/deliveries filters by status, endpoint, event type, exact ids
// (delivery id = webhook-id, event id, the client's event id) and time range, all together; bad
// or unknown parameters are 422 naming the field. GET /api/v1/events lists events with their
// deliveries' outcomes and finds one by id. Real route handlers on loopback, a real token; no
// engine runs, so deliveries stay where the test puts them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;
let orgId: string;
const ids: Record<string, string> = {};

async function tokenFor(org: string) {
  const { credential, secret } = await createCredential({
    orgId: org, environment: "test", name: "finder", scopes: ["deliveries:read", "events:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  return (await r.json()).access_token as string;
}

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  orgId = (await db.organization.create({ data: { name: "Finder" } })).id;
  tok = await tokenFor(orgId);
  for (const name of ["order.paid", "order.refunded"]) await db.eventType.create({ data: { orgId, environment: "test", name, description: name } });
  const a = (await createEndpoint({ orgId, environment: "test", name: "A", url: "https://a.example.com/h", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx })).endpoint;
  const b = (await createEndpoint({ orgId, environment: "test", name: "B", url: "https://b.example.com/h", eventTypes: ["order.paid"], fields: ENDPOINTS_FIELDS, ctx })).endpoint;
  ids.a = a.id;
  ids.b = b.id;
  // paid → A and B; refunded → A only.
  const paid = await ingestEvent({ orgId, environment: "test", type: "order.paid", data: { n: 1 }, externalId: "client-key-1" });
  const refunded = await ingestEvent({ orgId, environment: "test", type: "order.refunded", data: { n: 2 } });
  ids.paid = paid.event.id;
  ids.refunded = refunded.event.id;
  const ds = await db.delivery.findMany({ where: { orgId }, include: { event: true } });
  const find = (type: string, ep: string) => ds.find((d) => d.event.type === type && d.endpointId === ep)!.id;
  ids.paidA = find("order.paid", a.id);
  ids.paidB = find("order.paid", b.id);
  ids.refundedA = find("order.refunded", a.id);
  // paidA failed, paidB succeeded, refundedA pending; refunded's delivery is two days old.
  await db.delivery.update({ where: { id: ids.paidA }, data: { status: "failed" } });
  await db.delivery.update({ where: { id: ids.paidB }, data: { status: "succeeded" } });
  await db.delivery.update({ where: { id: ids.refundedA }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });
  // Another organization's delivery, to be sure ids never cross over.
  const other = (await db.organization.create({ data: { name: "Other" } })).id;
  await db.eventType.create({ data: { orgId: other, environment: "test", name: "order.paid", description: "x" } });
  await createEndpoint({ orgId: other, environment: "test", name: "O", url: "https://o.example.com/h", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  const o = await ingestEvent({ orgId: other, environment: "test", type: "order.paid", data: {}, externalId: "client-key-1" });
  ids.otherEvent = o.event.id;
  ids.otherDelivery = (await db.delivery.findFirstOrThrow({ where: { orgId: other } })).id;
});
afterAll(async () => {
  await server?.close();
});

const get = async (path: string, token = tok) => {
  const r = await fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
};
const found = async (query: string) => {
  const r = await get(`/api/v1/deliveries?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.data as { id: string }[]).map((d) => d.id).sort();
};

describe("GET /api/v1/deliveries filters", () => {
  it("by status, endpoint and event type, alone and together", async () => {
    expect(await found("")).toEqual([ids.paidA, ids.paidB, ids.refundedA].sort());
    expect(await found("status=failed")).toEqual([ids.paidA]);
    expect(await found(`endpoint_id=${ids.a}`)).toEqual([ids.paidA, ids.refundedA].sort());
    expect(await found("event_type=order.paid")).toEqual([ids.paidA, ids.paidB].sort());
    expect(await found(`event_type=order.paid&endpoint_id=${ids.a}`)).toEqual([ids.paidA]);
    expect(await found(`event_type=order.refunded&status=failed`)).toEqual([]);
  });

  it("by exact ids: delivery id (webhook-id), event id, the client's event id; never a prefix, never another org's", async () => {
    expect(await found(`delivery_id=${ids.paidB}`)).toEqual([ids.paidB]);
    expect(await found(`event_id=${ids.paid}`)).toEqual([ids.paidA, ids.paidB].sort());
    expect(await found(`q=${ids.paidB}`)).toEqual([ids.paidB]);
    expect(await found(`q=${ids.refunded}`)).toEqual([ids.refundedA]);
    expect(await found("q=client-key-1")).toEqual([ids.paidA, ids.paidB].sort());
    expect(await found(`q=${encodeURIComponent(`  ${ids.paidB}  `)}`)).toEqual([ids.paidB]); // pasted with spaces
    expect(await found(`q=${ids.paidB.slice(0, -2)}`)).toEqual([]);
    expect(await found("q=%25")).toEqual([]); // a LIKE wildcard is just a character
    expect(await found(`q=${ids.otherDelivery}`)).toEqual([]);
    expect(await found(`event_id=${ids.otherEvent}`)).toEqual([]);
    expect(await found(`q=${ids.paidB}&status=failed`)).toEqual([]);
  });

  it("by time range: created_after inclusive, created_before exclusive", async () => {
    const day = new Date(Date.now() - 86_400_000).toISOString();
    expect(await found(`created_after=${day}`)).toEqual([ids.paidA, ids.paidB].sort());
    expect(await found(`created_before=${day}`)).toEqual([ids.refundedA]);
    const refundedAt = (await db.delivery.findUniqueOrThrow({ where: { id: ids.refundedA } })).createdAt.toISOString();
    expect(await found(`created_after=${refundedAt}&created_before=${day}`)).toEqual([ids.refundedA]);
    expect(await found(`created_after=${encodeURIComponent(day.replace("Z", "+00:00"))}`)).toEqual([ids.paidA, ids.paidB].sort());
  });

  it("refuses what it does not understand, naming the field", async () => {
    const bad = async (query: string, field: string) => {
      const r = await get(`/api/v1/deliveries?${query}`);
      expect(r.status, query).toBe(422);
      expect(r.body.errors.map((e: { field: string }) => e.field), query).toContain(field);
    };
    await bad("endpoint=ep_1", "endpoint");
    await bad("status=recovered", "status");
    await bad("created_after=yesterday", "created_after");
    await bad("created_after=2026-01-01T00:00:00", "created_after"); // no offset: ambiguous
    await bad("created_after=2026-02-01T00:00:00Z&created_before=2026-01-01T00:00:00Z", "created_before");
    await bad("created_after=2026-01-01T00:00:00Z&created_before=2026-01-01T00:00:00Z", "created_before");
    await bad("event_type=Not%20A%20Type", "event_type");
    await bad(`q=${"x".repeat(256)}`, "q");
    await bad("q=%20%20", "q");
    await bad("delivery_id=a%20b", "delivery_id");
  });

  it("pages through a filtered list with its cursor", async () => {
    const first = await get(`/api/v1/deliveries?limit=1&endpoint_id=${ids.a}`);
    expect(first.body.data).toHaveLength(1);
    const second = await get(`/api/v1/deliveries?limit=1&endpoint_id=${ids.a}&cursor=${first.body.next_cursor}`);
    expect([first.body.data[0].id, second.body.data[0].id].sort()).toEqual([ids.paidA, ids.refundedA].sort());
    expect(second.body.next_cursor).toBeNull();
  });
});

describe("GET /api/v1/events", () => {
  it("lists events with their deliveries' outcomes, finds one by id or client id, and shows its deliveries with endpoint names", async () => {
    const r = await get("/api/v1/events");
    expect(r.status).toBe(200);
    const byId = new Map(r.body.data.map((e: { id: string }) => [e.id, e]));
    expect(byId.get(ids.paid)).toMatchObject({ type: "order.paid", deliveries: { total: 2, failed: 1, succeeded: 1, pending: 0, held: 0 } });
    expect(byId.get(ids.refunded)).toMatchObject({ type: "order.refunded", deliveries: { total: 1, pending: 1 } });
    expect((await get("/api/v1/events?q=client-key-1")).body.data.map((e: { id: string }) => e.id)).toEqual([ids.paid]);
    expect((await get(`/api/v1/events?q=${ids.otherEvent}`)).body.data).toEqual([]);
    const day = new Date(Date.now() - 86_400_000).toISOString();
    // The event is new (only its delivery was backdated); before that day there is nothing.
    expect((await get(`/api/v1/events?created_after=${day}&type=order.refunded`)).body.data.map((e: { id: string }) => e.id)).toEqual([ids.refunded]);
    expect((await get(`/api/v1/events?created_before=${day}`)).body.data).toEqual([]);
    expect((await get("/api/v1/events?since=x")).status).toBe(422);
    const detail = await get(`/api/v1/events/${ids.paid}`);
    expect(detail.body.deliveries.map((d: { endpoint_name: string; status: string }) => [d.endpoint_name, d.status]).sort()).toEqual([
      ["A", "failed"],
      ["B", "succeeded"],
    ]);
  });
});
