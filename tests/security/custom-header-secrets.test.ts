// Custom header values are secrets (issue 12, finding 9): the console suggests putting API keys
// there, yet they were stored in plain text, returned to read-only callers by both wire shapes and
// copied into every attempt's recorded request headers. Here, over real HTTP and a real database:
// a read-only caller sees names only, the database row and the recorded attempt hold no
// plaintext, the receiver still gets the real header, a masked value sent back keeps the stored
// one, and a legacy plaintext row is read, masked and encrypted on its next write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpoint from "@/app/api/v1/endpoints/[id]/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as webhook from "@/app/api/v1/webhooks/[id]/route";
import * as delivery from "@/app/api/v1/deliveries/[id]/route";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { attemptDelivery } from "@/lib/deliveries/attempt-delivery";
import { ingestEvent } from "@/lib/events/ingest-event";
import { encryptLegacyHeaders } from "@/lib/webhooks/custom-headers";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

const API_KEY = "sk_live_4f9b1c2d3e5a6b7c8d9e0f1a";
const BEARER = "bearer-5e6f7a8b9c0d1e2f";
const MASK = "••••••";
let server: Awaited<ReturnType<typeof serveRoutes>>;
let receiver: Receiver;
let orgId: string;
let admin: string;
let readOnly: string;

const bearer = (scopes: string[]) => bearerFor(server.origin, orgId, scopes, "test", scopes.join(" "));

function call(tok: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** One attempt of a new event to the endpoint; returns the delivery id and what the receiver got. */
async function deliverOnce(endpointId: string) {
  const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: {}, dispatch: false, onlyEndpointId: endpointId });
  const id = r.pendingDeliveryIds[0]!;
  expect(await attemptDelivery({ deliveryId: id, attempt: 0 })).toEqual({ kind: "succeeded", status: 200 });
  const got = receiver.requests.find((q) => q.headers["webhook-id"] === id);
  expect(got).toBeDefined();
  return { id, got: got! };
}

/** Every text column of the endpoint's row and of the audit log, as stored. */
async function storedText(endpointId: string): Promise<string> {
  const rows = await sql(`SELECT row_to_json(e)::text AS t FROM "Endpoint" e WHERE e."id" = $1`, [endpointId]);
  const audit = await sql(`SELECT row_to_json(a)::text AS t FROM "AuditEvent" a WHERE a."orgId" = $1`, [orgId]);
  return [...rows, ...audit].map((r) => (r as { t: string }).t).join("\n");
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/endpoints": endpoints,
    "/api/v1/endpoints/[id]": endpoint,
    "/api/v1/webhooks": webhooks,
    "/api/v1/webhooks/[id]": webhook,
    "/api/v1/deliveries/[id]": delivery,
  });
  receiver = await startReceiver();
  orgId = (await db.organization.create({ data: { name: "Header secrets" } })).id;
  admin = await bearer(["endpoints:read", "endpoints:write", "deliveries:read"]);
  readOnly = await bearer(["endpoints:read", "deliveries:read"]);
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe("custom header values", () => {
  let endpointId: string;

  it("are never returned: a read-only caller (and the admin) sees the names with masked values, in both wire shapes", async () => {
    const res = await call(admin, "POST", "/api/v1/endpoints", {
      name: "with api key",
      url: `${receiver.url}/hook`,
      headers_json: { "X-Api-Key": API_KEY, "X-Team": "payments" },
      auth_token: BEARER,
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    endpointId = created.id;
    expect(created.headers_json).toEqual({ "X-Api-Key": MASK, "X-Team": MASK });

    for (const tok of [readOnly, admin]) {
      for (const path of [`/api/v1/endpoints/${endpointId}`, "/api/v1/endpoints", `/api/v1/webhooks/${endpointId}`, "/api/v1/webhooks"]) {
        const r = await call(tok, "GET", path);
        expect(r.status, path).toBe(200);
        const text = await r.text();
        expect(text, path).not.toContain(API_KEY);
        expect(text, path).not.toContain("payments");
        expect(text, path).not.toContain(BEARER);
      }
    }
    const one = await (await call(readOnly, "GET", `/api/v1/endpoints/${endpointId}`)).json();
    expect(one.headers_json).toEqual({ "X-Api-Key": MASK, "X-Team": MASK });
  });

  it("are encrypted at rest: the endpoint row and the audit log hold no plaintext", async () => {
    const text = await storedText(endpointId);
    expect(text).toContain("X-Api-Key"); // names are not secret
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain("payments");
    expect(text).not.toContain(BEARER);
  });

  it("reach the receiver, and the recorded attempt masks them and the bearer token", async () => {
    const { id, got } = await deliverOnce(endpointId);
    expect(got.headers["x-api-key"]).toBe(API_KEY);
    expect(got.headers["x-team"]).toBe("payments");
    expect(got.headers.authorization).toBe(`Bearer ${BEARER}`);

    const [attempt] = await sql(`SELECT "requestHeaders"::text AS t FROM "DeliveryAttempt" WHERE "deliveryId" = $1`, [id]);
    const recorded = (attempt as { t: string }).t;
    expect(recorded).not.toContain(API_KEY);
    expect(recorded).not.toContain("payments");
    expect(recorded).not.toContain(BEARER);
    const view = await (await call(readOnly, "GET", `/api/v1/deliveries/${id}`)).json();
    expect(view.attempt_log[0].request_headers).toMatchObject({ "X-Api-Key": MASK, "X-Team": MASK, authorization: `Bearer ${MASK}` });
    expect(view.attempt_log[0].request_headers["webhook-id"]).toBe(id); // the rest is shown as sent
  });

  it("sent back masked keep the stored value; a new value replaces it; a masked value with nothing stored is a 422 on its field", async () => {
    const patched = await call(admin, "PATCH", `/api/v1/endpoints/${endpointId}`, { headers_json: { "x-api-key": MASK, "X-Team": "billing" } });
    expect(patched.status).toBe(200);
    expect((await patched.json()).headers_json).toEqual({ "x-api-key": MASK, "X-Team": MASK });
    const { got } = await deliverOnce(endpointId);
    expect(got.headers["x-api-key"]).toBe(API_KEY);
    expect(got.headers["x-team"]).toBe("billing");
    expect(await storedText(endpointId)).not.toContain("billing");

    const bad = await call(admin, "PATCH", `/api/v1/endpoints/${endpointId}`, { headers_json: { "X-New": MASK } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(["headers_json.X-New"]);
    const created = await call(admin, "POST", "/api/v1/endpoints", { name: "masked on create", url: `${receiver.url}/x`, headers_json: { "X-Key": MASK } });
    expect(created.status).toBe(422);
    expect((await created.json()).errors.map((e: { field: string }) => e.field)).toEqual(["headers_json.X-Key"]);
  });

  it("of a legacy plaintext row are masked when read, sent, and encrypted on the next write (or by encryptLegacyHeaders)", async () => {
    const legacy = async (name: string) => {
      const res = await call(admin, "POST", "/api/v1/endpoints", { name, url: `${receiver.url}/legacy` });
      const id = (await res.json()).id as string;
      // As a row written before encryption looks.
      await sql(`UPDATE "Endpoint" SET "headers" = $2::jsonb, "headersEncrypted" = false WHERE "id" = $1`, [id, JSON.stringify({ "X-Legacy": "legacy-plain-secret" })]);
      return id;
    };
    const a = await legacy("legacy a");
    expect((await (await call(readOnly, "GET", `/api/v1/endpoints/${a}`)).json()).headers_json).toEqual({ "X-Legacy": MASK });
    expect((await deliverOnce(a)).got.headers["x-legacy"]).toBe("legacy-plain-secret");
    expect((await call(admin, "PATCH", `/api/v1/endpoints/${a}`, { name: "legacy a, renamed" })).status).toBe(200);
    expect(await storedText(a)).not.toContain("legacy-plain-secret");
    expect((await deliverOnce(a)).got.headers["x-legacy"]).toBe("legacy-plain-secret");

    const b = await legacy("legacy b");
    expect(await storedText(b)).toContain("legacy-plain-secret"); // the planted state
    expect(await encryptLegacyHeaders(db)).toBeGreaterThanOrEqual(1);
    expect(await storedText(b)).not.toContain("legacy-plain-secret");
    expect((await deliverOnce(b)).got.headers["x-legacy"]).toBe("legacy-plain-secret");
  });
});
