// Hostile tenant: a signed-in console user names, with `x-gatehouse-org`, an organization they
// are not a member of. Every session route of the API refuses (403 problem+json) before it reads
// anything: no data of the named org, and none of the caller's own org either (the old code fell
// back silently to the caller's first org and answered with its data, or changed it).
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes, type Routes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let mallory: Record<string, string>;
let victimOrg: string;
let ownOrg: string;
/** Strings of either org's data that no answer may contain. */
const secrets: string[] = [];
const ids: Record<string, string> = {};

/** An org with a credential, an endpoint (paused: its delivery is held), an event and its delivery. */
async function seed(name: string) {
  const orgId = (await db.organization.create({ data: { name } })).id;
  const { credential } = await createCredential({
    orgId, environment: "test", name: `${name}-cred`, scopes: ["events:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const { endpoint } = await createEndpoint({
    orgId, environment: "test", name: `${name}-endpoint`, url: "https://receiver.example/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx, active: false,
  });
  const { event } = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { who: `${name}-payload` } });
  const delivery = await db.delivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
  secrets.push(orgId, name, credential.id, credential.clientId, endpoint.id, `${name}-endpoint`, event.id, delivery.id, `${name}-payload`);
  return { orgId, credential: credential.id, endpoint: endpoint.id, event: event.id, delivery: delivery.id };
}

beforeAll(async () => {
  const victim = await seed("VictimCorp");
  const own = await seed("MalloryCorp");
  victimOrg = victim.orgId;
  ownOrg = own.orgId;
  Object.assign(ids, { credentials: victim.credential, endpoints: victim.endpoint, events: victim.event, deliveries: victim.delivery });
  const user = await db.user.create({ data: { email: "mallory@hostile.example", name: "Mallory" } });
  await db.membership.create({ data: { orgId: ownOrg, userId: user.id, role: "owner" } });
  const routes: Routes = {};
  for (const [path, mod] of Object.entries(API_ROUTES)) if (path.startsWith("/api/v1/")) routes[path] = inRequestScope(mod);
  server = await serveRoutes(routes);
  mallory = { ...(await sessionHeaders(user, server.origin)), "content-type": "application/json", "x-gatehouse-environment": "test" };
}, 60_000);
afterAll(() => server?.close());

/** The route's path with the victim's ids (or plausible ones) in its parameters. */
function concrete(pattern: string) {
  const resource = pattern.split("/")[3]!;
  return pattern
    .replace("[id]", ids[resource] ?? "x_1")
    .replace("[name]", "run.completed")
    .replace(/\[(messageId|jobId)\]/, "x_2");
}

async function call(method: string, path: string, org: string | null) {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: { ...mallory, ...(org === null ? {} : { "x-gatehouse-org": org }) },
    body: method === "GET" || method === "DELETE" ? undefined : "{}",
  });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

it("every session route refuses an org the user is not a member of: 403, no data of either org, nothing changed", async () => {
  const auditBefore = await db.auditEvent.count();
  const counted: string[] = [];
  for (const pattern of Object.keys(API_ROUTES).filter((p) => p.startsWith("/api/v1/") && !p.includes("[..."))) {
    const path = concrete(pattern);
    // The route's own methods, as OPTIONS lists them (the others answer 405 to anyone).
    const allow = (await fetch(`${server.origin}${path}`, { method: "OPTIONS" })).headers.get("allow") ?? "";
    for (const method of METHODS.filter((m) => allow.split(/,\s*/).includes(m))) {
      const res = await call(method, path, victimOrg);
      counted.push(`${method} ${pattern}`);
      expect({ at: `${method} ${pattern}`, status: res.status, type: res.type }).toEqual({ at: `${method} ${pattern}`, status: 403, type: "application/problem+json" });
      expect(JSON.parse(res.text)).toMatchObject({ status: 403, code: "forbidden", detail: expect.stringContaining("x-gatehouse-org") });
      for (const s of secrets) expect(res.text, `${method} ${pattern}`).not.toContain(s);
    }
  }
  // Every operation of the API was tried (a route list that shrank would prove nothing).
  expect(counted.length).toBeGreaterThan(60);
  // Nothing was written in either org: no audit entry, the endpoints, credentials and deliveries unchanged.
  expect(await db.auditEvent.count()).toBe(auditBefore);
  expect(await db.endpoint.count()).toBe(2);
  expect(await db.credential.count({ where: { status: "active" } })).toBe(2);
  expect(await db.delivery.count({ where: { status: "held" } })).toBe(2);
}, 120_000);

it("an org id that exists nowhere, or an empty header, is refused too; the own org and no header still work", async () => {
  for (const org of ["org_does_not_exist", ""]) {
    const res = await call("GET", "/api/v1/endpoints", org);
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(ownOrg);
  }
  const own = await call("GET", "/api/v1/endpoints", ownOrg);
  expect(own.status).toBe(200);
  expect(own.text).toContain("MalloryCorp-endpoint");
  expect(own.text).not.toContain("VictimCorp");
  // No header: the console's remembered choice (a cookie) or the first org, as before.
  const plain = await call("GET", "/api/v1/endpoints", null);
  expect(plain.status).toBe(200);
  expect(plain.text).toContain("MalloryCorp-endpoint");
});
