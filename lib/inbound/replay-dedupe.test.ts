// Deliveries-under-stress finding 7: a signed Standard Webhooks message could be replayed within
// its 5-minute window (3 × 202, 3 events for one webhook-id). A repeat of a verified message is
// now answered 200 with the first message's id, and stored (and handled) once, for each handler,
// also when the repeats arrive at the same time. Over real HTTP with real tokens.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as receive from "@/app/in/[id]/route";
import * as list from "@/app/api/v1/inbound-webhooks/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { postSignedInbound } from "@/tests/helpers/inbound";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let apiToken: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/in/[id]": receive, "/api/v1/inbound-webhooks": list });
  const orgId = (await db.organization.create({ data: { name: "Replays" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["inbound:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  apiToken = (await r.json()).access_token;
});
afterAll(() => server?.close());

async function create(body: Record<string, unknown>) {
  const res = await fetch(`${server.origin}/api/v1/inbound-webhooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({ verification: "standard_webhooks", ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; url: string; token: string; verification_secret: string };
}

for (const handler of ["store", "event", "forward"] as const) {
  it(`${handler}: a replayed message is answered 200 with the first one's id and stored once`, async () => {
    const extra = handler === "event" ? { event_type: "run.completed" } : handler === "forward" ? { forward_url: "https://example.com/in" } : {};
    const w = await create({ name: `Replay ${handler}`, handler, ...extra });
    const body = JSON.stringify({ n: 1 });
    const first = await postSignedInbound(w, "msg_replayed", body);
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    for (let i = 0; i < 2; i++) {
      const again = await postSignedInbound(w, "msg_replayed", body);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ id: firstBody.id, outcome: firstBody.outcome, event_id: firstBody.event_id, duplicate: true });
    }
    // Repeats at the same time: one stored.
    const burst = await Promise.all(Array.from({ length: 5 }, () => postSignedInbound(w, "msg_burst", body)));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const ids = new Set(await Promise.all(burst.map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    expect(await db.inboundMessage.count({ where: { webhookId: w.id } })).toBe(2);
    if (handler !== "store") expect(await db.event.count({ where: { id: { in: (await db.inboundMessage.findMany({ where: { webhookId: w.id } })).map((m) => m.eventId!) } } })).toBe(2);
    // Another id is another message.
    expect((await postSignedInbound(w, "msg_other", body)).status).toBe(202);
  });
}
