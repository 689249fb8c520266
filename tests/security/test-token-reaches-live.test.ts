// Finding 7: test mode could break live. Event types were shared by both environments, so a
// gat_test_ token could archive a type live events need (live POST /api/v1/events then got 422),
// and a test token with audit:read read live audit entries with ?environment=live.
// Both attacks over real HTTP with real tokens from POST /oauth/token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as eventType from "@/app/api/v1/event-types/[name]/route";
import * as archive from "@/app/api/v1/event-types/[name]/archive/route";
import * as unarchive from "@/app/api/v1/event-types/[name]/unarchive/route";
import * as events from "@/app/api/v1/events/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as auditEvents from "@/app/api/v1/audit-events/route";
import * as auditExport from "@/app/api/v1/audit-events/export/route";
import * as auditVerify from "@/app/api/v1/audit-events/verify/route";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let testTok: string;
let liveTok: string;

const bearer = (environment: "test" | "live", scopes: string[]) => bearerFor(server.origin, orgId, scopes, environment, `svc-${environment}`);

function call(t: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${t}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const ALL = ["events:read", "events:write", "endpoints:read", "endpoints:write", "audit:read"];

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/event-types": eventTypes,
    "/api/v1/event-types/[name]": eventType,
    "/api/v1/event-types/[name]/archive": archive,
    "/api/v1/event-types/[name]/unarchive": unarchive,
    "/api/v1/events": events,
    "/api/v1/endpoints": endpoints,
    "/api/v1/audit-events": auditEvents,
    "/api/v1/audit-events/export": auditExport,
    "/api/v1/audit-events/verify": auditVerify,
  });
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  setDeliveryDispatcher(async () => {});
  testTok = await bearer("test", ALL);
  liveTok = await bearer("live", ALL);
  expect(testTok).toMatch(/^gat_test_/);
  expect(liveTok).toMatch(/^gat_live_/);
});
afterAll(async () => {
  setDeliveryDispatcher(undefined);
  await server.close();
});

describe("a test token cannot change live event types", () => {
  it("archiving payment.captured with a test token leaves live events working", async () => {
    const created = await call(liveTok, "POST", "/api/v1/event-types", { name: "payment.captured", description: "A payment was captured." });
    expect(created.status).toBe(201);
    expect((await call(liveTok, "POST", "/api/v1/events", { type: "payment.captured", data: { id: "p_1" } })).status).toBe(202);

    // The attack: the test token archives the type by name.
    const attack = await call(testTok, "POST", "/api/v1/event-types/payment.captured/archive");

    // Live still accepts the event (it was a 422), and its type is not archived.
    expect((await call(liveTok, "POST", "/api/v1/events", { type: "payment.captured", data: { id: "p_2" } })).status).toBe(202);
    // The test token found no such type in its own environment.
    expect(attack.status).toBe(404);
    expect(attack.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await (await call(liveTok, "GET", "/api/v1/event-types/payment.captured")).json()).archived).toBe(false);
  });

  it("test mode has its own catalog: its payment.captured is archived there only", async () => {
    expect((await call(testTok, "POST", "/api/v1/event-types", { name: "payment.captured", description: "Test copy." })).status).toBe(201);
    expect((await call(testTok, "POST", "/api/v1/event-types/payment.captured/archive")).status).toBe(200);
    const testEvent = await call(testTok, "POST", "/api/v1/events", { type: "payment.captured", data: {} });
    expect(testEvent.status).toBe(422);
    expect((await call(liveTok, "POST", "/api/v1/events", { type: "payment.captured", data: { id: "p_3" } })).status).toBe(202);

    // The lists are per environment too.
    const names = async (t: string) =>
      ((await (await call(t, "GET", "/api/v1/event-types?archived=all")).json()).data as { name: string; environment: string; archived: boolean }[])
        .filter((x) => x.name === "payment.captured");
    expect(await names(liveTok)).toEqual([expect.objectContaining({ environment: "live", archived: false })]);
    expect(await names(testTok)).toEqual([expect.objectContaining({ environment: "test", archived: true })]);
  });

  it("a schema set in test mode does not apply to live events", async () => {
    const strict = { type: "object", required: ["must"], properties: { must: { type: "string" } } };
    expect((await call(testTok, "POST", "/api/v1/event-types", { name: "invoice.paid", description: "t", schema: strict })).status).toBe(201);
    // Live has no invoice.paid: the test type is not visible there.
    expect((await call(liveTok, "POST", "/api/v1/events", { type: "invoice.paid", data: {} })).status).toBe(422);
    expect((await call(liveTok, "GET", "/api/v1/event-types/invoice.paid")).status).toBe(404);
    // An endpoint in live cannot subscribe to a type that only test has.
    const ep = await call(liveTok, "POST", "/api/v1/endpoints", { name: "x", url: "https://example.com/hook", event_types: ["invoice.paid"] });
    expect(ep.status).toBe(422);
  });
});

describe("a test token cannot read the live audit log", () => {
  it("?environment=live is refused with 403 problem+json, on the list and the export", async () => {
    for (const path of ["/api/v1/audit-events?environment=live", "/api/v1/audit-events/export?format=json&environment=live"]) {
      const r = await call(testTok, "GET", path);
      expect(r.status, path).toBe(403);
      expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(await r.json())).not.toContain("payment.captured");
    }
  });

  it("without a filter, a test token sees test and organization-wide entries only", async () => {
    const r = await call(testTok, "GET", "/api/v1/audit-events?limit=100");
    expect(r.status).toBe(200);
    const envs = ((await r.json()).data as { environment: string | null }[]).map((e) => e.environment);
    expect(envs).toContain("test");
    expect(envs).not.toContain("live");

    const exp = await call(testTok, "GET", "/api/v1/audit-events/export?format=json");
    expect(exp.status).toBe(200);
    const all = (await exp.json()) as { environment: string | null }[];
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.environment !== "live")).toBe(true);

    // Its own environment by name is fine.
    expect((await call(testTok, "GET", "/api/v1/audit-events?environment=test")).status).toBe(200);
  });

  it("the live token still reads live entries; the org-wide chain check is refused to test tokens", async () => {
    const live = await (await call(liveTok, "GET", "/api/v1/audit-events?environment=live&limit=100")).json();
    expect((live.data as { action: string }[]).some((e) => e.action === "event_type.created")).toBe(true);
    expect((await call(liveTok, "GET", "/api/v1/audit-events?environment=test")).status).toBe(403);
    expect((await call(testTok, "GET", "/api/v1/audit-events/verify")).status).toBe(403);
    expect((await call(liveTok, "GET", "/api/v1/audit-events/verify")).status).toBe(200);
  });
});
