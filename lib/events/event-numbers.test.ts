// Deliveries-under-stress finding 12: event-id dedupe compared parsed JSON, so a byte-identical
// resend containing -0 got 409, and 1e400 was stored as null. Over real HTTP with a real token:
// the resend matches, and a number JSON cannot carry is refused with its field.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as events from "@/app/api/v1/events/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/events": events });
  const orgId = (await db.organization.create({ data: { name: "Numbers" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["events:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
});
afterAll(() => server?.close());

const send = (raw: string) =>
  fetch(`${server.origin}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" }, body: raw });

it("a byte-identical resend with -0 and 1.0 returns the stored event", async () => {
  const raw = '{"id":"ord_neg_zero","type":"run.completed","data":{"delta":-0,"ratio":1.0,"z":{"b":1,"a":2}}}';
  const first = await send(raw);
  expect(first.status).toBe(202);
  const again = await send(raw);
  expect(again.status).toBe(202); // was 409
  expect((await again.json()).id).toBe((await first.json()).id);
});

it("refuses a number JSON cannot carry (1e400) with its field, and stores nothing", async () => {
  const res = await send('{"id":"ord_huge","type":"run.completed","data":{"amount":1e400,"list":[1,-1e999]}}');
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const p = await res.json();
  expect(p.errors.map((e: { field: string }) => e.field)).toEqual(["data.amount"]);
  expect(await db.event.count({ where: { idempotencyKey: "ord_huge" } })).toBe(0);
});
