// An incoming webhook whose org is at its ceiling of event bytes in flight
// (GATEHOUSE_ORG_IN_FLIGHT_MIB): the sender gets 429 with Retry-After and nothing is kept (no
// message, no dedup key), so its own retry delivers the message once room is back. Before, the
// sender got 202 with outcome "failed" for an event that was never made: lost unless an admin
// noticed. Over real HTTP on a real database.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as receive from "@/app/in/[id]/route";
import * as inbound from "@/app/api/v1/inbound-webhooks/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { postSignedInbound } from "@/tests/helpers/inbound";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
const BLOB = "x".repeat(100 * 1024); // ~100 KiB: the third event takes the org past 256 KiB

beforeAll(async () => {
  process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = "0.25";
  server = await serveRoutes({ "/oauth/token": token, "/in/[id]": receive, "/api/v1/inbound-webhooks": inbound, "/api/v1/endpoints": endpoints });
  setDeliveryDispatcher(undefined); // every delivery stays pending, as behind a receiver that hangs
});
afterAll(async () => {
  delete process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB;
  await server?.close();
});

it("answers the sender 429 and keeps nothing when the org is at its in-flight ceiling; the sender's retry later goes in once", async () => {
  const orgId = (await db.organization.create({ data: { name: "Inbound ceiling" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["inbound:write", "endpoints:write", "events:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const t = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  const apiToken = (await t.json()).access_token as string;
  const api = (path: string, body: unknown) =>
    fetch(`${server.origin}${path}`, { method: "POST", headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  // An endpoint so each event has a pending delivery (what the ceiling counts).
  const ep = await api("/api/v1/endpoints", { name: "hangs", url: "https://example.com/hook" });
  expect(ep.status).toBe(201);
  const created = await api("/api/v1/inbound-webhooks", { name: "Payments", handler: "event", event_type: "run.completed", verification: "standard_webhooks" });
  expect(created.status, await created.clone().text()).toBe(201);
  const w = (await created.json()) as { id: string; url: string; token: string; verification_secret: string };
  // A sender signing with Standard Webhooks: its message id is the dedup key.
  const send = (n: number) => postSignedInbound(w, `msg_${n}`, JSON.stringify({ n, blob: BLOB }));

  const statuses: number[] = [];
  let refused: Response | null = null;
  for (let i = 0; i < 6 && !refused; i++) {
    const r = await send(i);
    statuses.push(r.status);
    if (r.status !== 202) refused = r;
    else await r.body?.cancel();
  }
  expect(statuses).toEqual([202, 202, 429]);
  expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(refused!.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  // Nothing of the refused message is kept: two messages, both emitted, two events.
  const messages = await db.inboundMessage.findMany({ where: { webhookId: w.id }, select: { outcome: true, eventId: true } });
  expect(messages.map((m) => m.outcome)).toEqual(["emitted", "emitted"]);
  expect(await db.event.count({ where: { orgId } })).toBe(2);
  expect(await db.inboundDedupKey.count({ where: { webhookId: w.id } })).toBe(2);

  // Room comes back (the pending deliveries end); the sender's retry of the same message goes in once.
  await db.delivery.updateMany({ where: { orgId }, data: { status: "succeeded" } });
  let retried: Response | null = null;
  for (let i = 0; i < 40; i++) {
    retried = await send(2);
    if (retried.status !== 429) break;
    await retried.body?.cancel();
    await new Promise((r) => setTimeout(r, 100)); // the ceiling is re-measured at most every 250 ms
  }
  expect(retried!.status).toBe(202);
  expect(await db.event.count({ where: { orgId } })).toBe(3);
  const again = await send(2); // a repeat within the dedup window: stored once
  expect(again.status).toBe(200);
  expect(await db.event.count({ where: { orgId } })).toBe(3);
});
