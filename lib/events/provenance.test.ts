// Causal provenance over real HTTP on a real database: a delivery is traced back through the
// API to the credential that posted its event (and the address it posted from); the API answers
// what a credential caused; an edit of the link in the database shows; another organization
// reads none of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const ALL = ["endpoints:read", "endpoints:write", "events:read", "events:write", "deliveries:read", "audit:read"];
let server: Awaited<ReturnType<typeof serveRoutes>>;

async function tokenFor(orgId: string, name: string) {
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name, scopes: ALL, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  expect(r.status).toBe(200);
  return { credential, token: (await r.json()).access_token as string };
}

async function call(token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

let a: Awaited<ReturnType<typeof tokenFor>>;
let hostile: Awaited<ReturnType<typeof tokenFor>>;
let orgA: string;

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  setDeliveryDispatcher(async () => {});
  orgA = (await db.organization.create({ data: { name: "Provenance A" } })).id;
  const orgB = (await db.organization.create({ data: { name: "Provenance B" } })).id;
  a = await tokenFor(orgA, "Billing backend");
  hostile = await tokenFor(orgB, "Hostile");
});
afterAll(async () => {
  setDeliveryDispatcher(undefined);
  await server.close();
});

describe("causal provenance", () => {
  let deliveryId: string;
  let eventId: string;
  let endpointId: string;

  it("traces a delivery back through the API to the credential and address that posted its event", async () => {
    const ep = await call(a.token, "POST", "/api/v1/endpoints", { name: "receiver", url: "https://example.com/hook" });
    expect(ep.status).toBe(201);
    endpointId = ep.body.id;
    const posted = await call(a.token, "POST", "/api/v1/events", { type: "run.completed", data: { run: 1 } });
    expect(posted.status).toBe(202);
    eventId = posted.body.id;

    const list = await call(a.token, "GET", `/api/v1/deliveries?event_id=${eventId}`);
    expect(list.body.data).toHaveLength(1);
    deliveryId = list.body.data[0].id;
    const detail = await call(a.token, "GET", `/api/v1/deliveries/${deliveryId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.caused_by).toEqual({
      type: "credential",
      id: a.credential.id,
      label: "Billing backend",
      ip: "127.0.0.1",
      message_id: null,
      at: posted.body.created_at,
      verified: true,
    });
    // From the cause to the credential: the id names it, and the event names the same cause.
    const event = await call(a.token, "GET", `/api/v1/events/${eventId}`);
    expect(event.body.caused_by).toEqual(detail.body.caused_by);
    const cred = await db.credential.findUniqueOrThrow({ where: { id: detail.body.caused_by.id } });
    expect(cred.clientId).toBe(a.credential.clientId);
  });

  it("answers what the credential caused: its events, their deliveries, its changes", async () => {
    // Something another cause made, which must not be counted.
    await ingestEvent({ orgId: orgA, environment: "test", type: "run.completed", data: { run: 2 }, dispatch: false });

    const act = await call(a.token, "GET", `/api/v1/credentials/${a.credential.id}/activity`);
    expect(act.status).toBe(200);
    expect(act.body.credential).toMatchObject({ id: a.credential.id, name: "Billing backend" });
    expect(act.body.events.total).toBe(1);
    expect(act.body.events.recent.map((e: { id: string }) => e.id)).toEqual([eventId]);
    expect(act.body.deliveries).toMatchObject({ total: 1 });
    const created = act.body.changes.find((c: { action: string }) => c.action === "endpoint.created");
    expect(created).toMatchObject({ actor: { type: "credential", id: a.credential.id }, target: { id: endpointId }, ip: "127.0.0.1" });

    const events = await call(a.token, "GET", act.body.links.events);
    expect(events.body.data.map((e: { id: string }) => e.id)).toEqual([eventId]);
    const deliveries = await call(a.token, "GET", act.body.links.deliveries);
    expect(deliveries.body.data.map((d: { id: string }) => d.id)).toEqual([deliveryId]);
    const audit = await call(a.token, "GET", act.body.links.audit_events);
    expect(audit.body.data.length).toBeGreaterThan(0);
    expect(audit.body.data.every((e: { actor: { id: string } }) => e.actor.id === a.credential.id)).toBe(true);

    // The other event says who made it (Gatehouse itself), and the filter left it out.
    const all = await call(a.token, "GET", "/api/v1/events");
    const system = all.body.data.find((e: { id: string }) => e.id !== eventId);
    expect(system.caused_by).toMatchObject({ type: "system", id: null, verified: true });
  });

  it("says when the stored link was edited in the database (the seal no longer holds)", async () => {
    const other = await createCredential({
      orgId: orgA, environment: "test", name: "Scapegoat", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    await db.event.update({ where: { id: eventId }, data: { causedById: other.credential.id, causedByLabel: "Scapegoat" } });
    const detail = await call(a.token, "GET", `/api/v1/deliveries/${deliveryId}`);
    expect(detail.body.caused_by).toMatchObject({ id: other.credential.id, verified: false });
    await db.event.update({ where: { id: eventId }, data: { causedById: a.credential.id, causedByLabel: "Billing backend" } });
    expect((await call(a.token, "GET", `/api/v1/deliveries/${deliveryId}`)).body.caused_by.verified).toBe(true);
  });

  it("gives a hostile tenant none of another organization's provenance", async () => {
    const id = a.credential.id;
    expect((await call(hostile.token, "GET", `/api/v1/credentials/${id}/activity`)).status).toBe(404);
    expect((await call(hostile.token, "GET", `/api/v1/deliveries/${deliveryId}`)).status).toBe(404);
    expect((await call(hostile.token, "GET", `/api/v1/events/${eventId}`)).status).toBe(404);
    for (const path of ["/api/v1/events", "/api/v1/deliveries", "/api/v1/audit-events"]) {
      const r = await call(hostile.token, "GET", `${path}?caused_by_credential=${id}`);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([]);
    }
  });

  it("records a console member as the cause of what they send, and an API change's actor as the credential", async () => {
    const user = await db.user.create({ data: { email: `member-${Date.now()}@example.com` } });
    const r = await ingestEvent({
      orgId: orgA,
      environment: "test",
      type: "run.completed",
      data: { run: 3 },
      dispatch: false,
      cause: { type: "user", id: user.id, label: user.email, ip: "192.0.2.9" },
    });
    const e = await call(a.token, "GET", `/api/v1/events/${r.event.id}`);
    expect(e.body.caused_by).toMatchObject({ type: "user", id: user.id, label: user.email, ip: "192.0.2.9", verified: true });
    const patched = await call(a.token, "PATCH", `/api/v1/endpoints/${endpointId}`, { name: "renamed" });
    expect(patched.status).toBe(200);
    const who = await call(a.token, "GET", `/api/v1/audit-events?target_id=${endpointId}&action=endpoint.updated`);
    expect(who.body.data[0].actor).toEqual({ type: "credential", id: a.credential.id, label: expect.stringContaining("Billing backend") });
  });

  it("records the incoming webhook and message an event was made from", async () => {
    const { webhook, token } = await createInboundWebhook({
      orgId: orgA, environment: "test", name: "Stripe in", handler: "event", eventType: "run.completed", ctx,
    });
    const r = await fetch(`${server.origin}/in/${webhook.id}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ run: 4 }),
    });
    expect(r.status).toBeLessThan(300);
    const message = await db.inboundMessage.findFirstOrThrow({ where: { webhookId: webhook.id } });
    expect(message.eventId).not.toBeNull();
    const e = await call(a.token, "GET", `/api/v1/events/${message.eventId}`);
    expect(e.body.caused_by).toMatchObject({ type: "inbound", id: webhook.id, label: "Stripe in", message_id: message.id, ip: "127.0.0.1", verified: true });
  });
});
