// Deliveries under stress, finding 6: an Idempotency-Key whose request crashed after its work
// committed but before its answer was stored. The retry must get the committed result (the same
// event id, 202), never 409 for minutes and never a second event. The crash is reproduced with
// the real pieces in the order a crashed request leaves them: the key is claimed, the event is
// stored (marking the claim in the same statement), and the answer is never stored.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as events from "@/app/api/v1/events/route";
import * as endpointsRoute from "@/app/api/v1/endpoints/route";
import * as webhooksRoute from "@/app/api/v1/webhooks/route";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import { createEventType } from "@/lib/webhooks/event-types";
import { WEBHOOKS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { runInRequestContext } from "@/lib/observability/log";
import { claimIdempotencyKey, hashRequest } from "@/lib/api/idempotency";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let credentialId: string;
let tok: string;

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/events": events,
    "/api/v1/endpoints": endpointsRoute,
    "/api/v1/webhooks": webhooksRoute,
    "/api/v1/event-types": eventTypesRoute,
  });
  orgId = (await db.organization.create({ data: { name: "Crashy" } })).id;
  await createEndpoint({ orgId, environment: "test", name: "e", url: "https://example.com/e", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["events:write", "events:read", "endpoints:write", "endpoints:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  credentialId = credential.id;
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const post = (body: string, key: string) =>
  fetch(`${server.origin}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "idempotency-key": key },
    body,
  });

it("a retry after a crash between storing the event and storing the answer gets that event", async () => {
  const body = JSON.stringify({ type: "run.completed", data: { run: 1 } });
  const key = "crash-after-commit";
  // The crashed request: claimed, event stored, answer never stored.
  const claim = await claimIdempotencyKey(`${orgId}:test:c:${credentialId}`, key, hashRequest("POST", "/api/v1/events", body));
  expect(claim.kind).toBe("claimed");
  const stored = await ingestEvent({
    orgId, environment: "test", type: "run.completed", data: { run: 1 }, dispatch: false, idempotencyClaimId: claim.kind === "claimed" ? claim.id : null,
  });

  // The client retries at once (on the old code: 409 for five minutes, then a second event).
  const retry = await post(body, key);
  expect(retry.status).toBe(202);
  expect(retry.headers.get("idempotent-replayed")).toBe("true");
  expect(await retry.json()).toEqual({
    id: stored.event.id, type: "run.completed", external_id: null, deliveries: 1, created_at: stored.event.createdAt.toISOString(),
  });
  // And again: now the stored answer, the same.
  const again = await post(JSON.stringify({ data: { run: 1 }, type: "run.completed" }), key);
  expect(again.status).toBe(202);
  expect((await again.json()).id).toBe(stored.event.id);
  expect(await db.event.count({ where: { orgId } })).toBe(1);
  expect(await db.delivery.count({ where: { orgId } })).toBe(1);
});

it("a claim is marked only by the request's own event: a key with another body is still refused", async () => {
  const body = JSON.stringify({ type: "run.completed", data: { run: 2 } });
  const first = await post(body, "k-2");
  expect(first.status).toBe(202);
  const row = await db.idempotencyKey.findFirstOrThrow({ where: { key: "k-2" } });
  expect(row.resourceRef).toBe(`event:${(await first.json()).id}`);
  const other = await post(JSON.stringify({ type: "run.completed", data: { run: 3 } }), "k-2");
  expect(other.status).toBe(422);
});

it("a claim whose request crashed before its event was stored is still in progress, then free after the timeout", async () => {
  const body = JSON.stringify({ type: "run.completed", data: { run: 4 } });
  const claim = await claimIdempotencyKey(`${orgId}:test:c:${credentialId}`, "k-4", hashRequest("POST", "/api/v1/events", body));
  expect(claim.kind).toBe("claimed");
  expect((await post(body, "k-4")).status).toBe(409);
  // Past the in-flight timeout the claim is taken over and the event stored once.
  await db.idempotencyKey.updateMany({ where: { key: "k-4" }, data: { createdAt: new Date(Date.now() - 6 * 60_000) } });
  const r = await post(body, "k-4");
  expect(r.status).toBe(202);
  expect(await db.event.count({ where: { orgId, payload: { equals: { run: 4 } } } })).toBe(1);
});

// Any other POST: its first audit event marks the claim in the same transaction as the change.
const postTo = (path: string, body: string, key: string) =>
  fetch(`${server.origin}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "idempotency-key": key },
    body,
  });

/** What a crashed request leaves: the key claimed, `work` committed inside its request, no answer stored. */
async function crashAfter<T>(path: string, body: string, key: string, work: () => Promise<T>): Promise<T> {
  const claim = await claimIdempotencyKey(`${orgId}:test:c:${credentialId}`, key, hashRequest("POST", path, body));
  if (claim.kind !== "claimed") throw new Error(`expected a fresh claim, got ${claim.kind}`);
  return runInRequestContext({ requestId: `crash-${key}`, idempotencyClaimId: claim.id }, work);
}

it("POST /api/v1/endpoints: a retry after a crash gets the endpoint it created (201, secret omitted), never a second one", async () => {
  const body = JSON.stringify({ name: "crashed", url: "https://example.com/crashed" });
  const { endpoint } = await crashAfter("/api/v1/endpoints", body, "ep-crash", () =>
    createEndpoint({ orgId, environment: "test", name: "crashed", url: "https://example.com/crashed", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx }),
  );
  const retry = await postTo("/api/v1/endpoints", body, "ep-crash");
  expect(retry.status).toBe(201);
  expect(retry.headers.get("idempotent-replayed")).toBe("true");
  expect(retry.headers.get("secrets-omitted")).toBe("secret");
  expect(await retry.json()).toMatchObject({ id: endpoint.id, name: "crashed", secret: null, secrets_omitted: ["secret"] });
  const again = await postTo("/api/v1/endpoints", body, "ep-crash");
  expect((await again.json()).id).toBe(endpoint.id);
  expect(await db.endpoint.count({ where: { orgId, name: "crashed" } })).toBe(1);
});

it("POST /api/v1/webhooks: the same, in the webhooks shape", async () => {
  const body = JSON.stringify({ url: "https://example.com/crashed-webhook", events: ["run.failed"] });
  const { endpoint } = await crashAfter("/api/v1/webhooks", body, "wh-crash", () =>
    createEndpoint({ orgId, environment: "test", name: "crashed-webhook", url: "https://example.com/crashed-webhook", eventTypes: ["run.failed"], fields: WEBHOOKS_FIELDS, ctx }),
  );
  const retry = await postTo("/api/v1/webhooks", body, "wh-crash");
  expect(retry.status).toBe(201);
  expect(await retry.json()).toMatchObject({ id: endpoint.id, events: ["run.failed"], secret: null });
  expect(await db.endpoint.count({ where: { orgId, url: "https://example.com/crashed-webhook" } })).toBe(1);
});

it("a route that cannot rebuild its answer says what was done (409), and does not do it again", async () => {
  const body = JSON.stringify({ name: "crash.created", description: "Made before a crash." });
  await crashAfter("/api/v1/event-types", body, "et-crash", () =>
    createEventType({ orgId, environment: "test", name: "crash.created", description: "Made before a crash.", schema: null, ctx }),
  );
  const retry = await postTo("/api/v1/event-types", body, "et-crash");
  expect(retry.status).toBe(409);
  expect(retry.headers.get("content-type")).toBe("application/problem+json");
  const problem = await retry.json();
  expect(problem.code).toBe("idempotency_completed");
  expect(problem.detail).toContain("event_type.created");
  expect(await db.eventType.count({ where: { orgId, name: "crash.created" } })).toBe(1);
  // A request that finished normally is replayed as stored, not recovered.
  const fine = JSON.stringify({ name: "fine.created", description: "Made normally." });
  expect((await postTo("/api/v1/event-types", fine, "et-fine")).status).toBe(201);
  const replay = await postTo("/api/v1/event-types", fine, "et-fine");
  expect(replay.status).toBe(201);
  expect(replay.headers.get("idempotent-replayed")).toBe("true");
});
