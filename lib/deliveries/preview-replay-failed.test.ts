// The count "Replay all failed" shows before it is confirmed (issue 14): through the real API on
// loopback with a real access token; per endpoint, only failed deliveries of this org and
// environment created since the time asked, and the replay that follows reports the same number.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import type { DeliveryStatus, Environment } from "@/lib/generated/prisma/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let otherOrgId: string;
let tok: string;
let readOnlyTok: string;

async function token(scopes: string[]) {
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: scopes.join(" "), scopes, expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  return (await r.json()).access_token as string;
}

// Paused endpoints: a replay re-arms their deliveries as held and sends nothing, so no engine is needed.
async function endpoint(org: string, environment: Environment, name: string) {
  const { endpoint: ep } = await createEndpoint({
    orgId: org, environment, name, url: environment === "live" ? "https://127.0.0.1:9/hook" : "http://127.0.0.1:9/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
  });
  await setEndpointStatus({ orgId: org, environment, id: ep.id, status: "paused", ctx });
  return ep;
}

let n = 0;
async function delivery(org: string, environment: Environment, endpointId: string, status: DeliveryStatus, createdAt = new Date()) {
  n++;
  const ev = await db.event.create({ data: { id: `evt_preview${n}`, orgId: org, environment, type: "run.completed", payload: {} } });
  await db.delivery.create({ data: { id: `msg_preview${n}`, orgId: org, environment, eventId: ev.id, endpointId, status, createdAt } });
}

const get = async (q: string, t = tok) => {
  const r = await fetch(`${server.origin}/api/v1/deliveries/replay-failed?${q}`, { headers: { authorization: `Bearer ${t}` } });
  return { status: r.status, body: await r.json() };
};

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  orgId = (await db.organization.create({ data: { name: "Preview" } })).id;
  otherOrgId = (await db.organization.create({ data: { name: "Other" } })).id;
  tok = await token(["deliveries:read", "deliveries:write"]);
  readOnlyTok = await token(["deliveries:read"]);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe("GET /api/v1/deliveries/replay-failed", () => {
  it("counts failed deliveries since the time, per endpoint, and the replay then replays that many", async () => {
    const since = new Date(Date.now() - 60_000);
    const a = await endpoint(orgId, "test", "Alpha");
    const b = await endpoint(orgId, "test", "Bravo");
    for (let i = 0; i < 3; i++) await delivery(orgId, "test", a.id, "failed");
    await delivery(orgId, "test", b.id, "failed");
    // Not counted: succeeded, pending, before `since`, live mode, another organization.
    await delivery(orgId, "test", b.id, "succeeded");
    await delivery(orgId, "test", b.id, "pending");
    await delivery(orgId, "test", b.id, "failed", new Date(since.getTime() - 1000));
    const live = await endpoint(orgId, "live", "Live one");
    await delivery(orgId, "live", live.id, "failed");
    const foreign = await endpoint(otherOrgId, "test", "Foreign");
    await delivery(otherOrgId, "test", foreign.id, "failed");

    const q = new URLSearchParams({ since: since.toISOString() });
    const all = await get(q.toString());
    expect(all).toEqual({
      status: 200,
      body: {
        total: 4,
        endpoints: [
          { endpoint_id: a.id, endpoint_name: "Alpha", failed: 3 },
          { endpoint_id: b.id, endpoint_name: "Bravo", failed: 1 },
        ],
      },
    });
    // A read-only credential may look.
    expect((await get(q.toString(), readOnlyTok)).body.total).toBe(4);

    // One endpoint's.
    q.set("endpoint_id", b.id);
    expect((await get(q.toString())).body).toEqual({ total: 1, endpoints: [{ endpoint_id: b.id, endpoint_name: "Bravo", failed: 1 }] });

    // Nothing changed by looking; the replay reports what the preview said, then nothing is left.
    const r = await fetch(`${server.origin}/api/v1/deliveries/replay-failed`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
      body: JSON.stringify({ since: since.toISOString() }),
    });
    expect(await r.json()).toEqual({ replayed: 4 });
    expect((await get(`since=${encodeURIComponent(since.toISOString())}`)).body).toEqual({ total: 0, endpoints: [] });
  });

  it("refuses a missing or malformed since and unknown parameters with 422 naming the field", async () => {
    const missing = await get("");
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toContain("since");
    expect((await get("since=yesterday")).status).toBe(422);
    const unknown = await get(`since=${encodeURIComponent(new Date().toISOString())}&status=failed`);
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain("status");
  });
});
