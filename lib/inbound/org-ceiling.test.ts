// Deliveries-under-stress finding 11: the inbound limit was set by each org per webhook, with no
// ceiling per org, so one org's flood of 1 MiB requests slowed every other org. Now an org's
// webhooks together accept at most GATEHOUSE_INBOUND_ORG_MIB_PER_MINUTE of bodies (and
// GATEHOUSE_INBOUND_ORG_REQUESTS_PER_MINUTE requests); past it 429 with Retry-After, stored
// nothing, while another org goes on. Over real HTTP.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as receive from "@/app/in/[id]/route";
import * as list from "@/app/api/v1/inbound-webhooks/route";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { serveRoutes } from "@/tests/helpers/route-server";

process.env.GATEHOUSE_INBOUND_ORG_MIB_PER_MINUTE = "3";
process.env.GATEHOUSE_INBOUND_ORG_REQUESTS_PER_MINUTE = "20";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/in/[id]": receive, "/api/v1/inbound-webhooks": list });
});
afterAll(() => server?.close());

async function webhooksOf(name: string, n: number) {
  const orgId = (await db.organization.create({ data: { name } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["inbound:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const t = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  const apiToken = (await t.json()).access_token;
  const out: { id: string; url: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.origin}/api/v1/inbound-webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `${name} ${i}`, handler: "store", rate_limit_per_minute: 1000 }),
    });
    expect(res.status).toBe(201);
    out.push(await res.json());
  }
  return out;
}

const post = (w: { url: string; token: string }, body: Buffer | string) =>
  fetch(w.url, { method: "POST", headers: { authorization: `Bearer ${w.token}`, "content-type": "application/octet-stream" }, body: typeof body === "string" ? body : new Uint8Array(body) });

it("caps one org's bytes per minute over all its webhooks, and leaves other orgs alone", async () => {
  const flood = await webhooksOf("Flood", 2);
  const calm = await webhooksOf("Calm", 1);
  const mib = Buffer.alloc(1024 * 1024 - 1, 0x61);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await post(flood[i % 2]!, mib)).status);
  expect(statuses).toEqual([202, 202, 202, 429]);
  const refused = await post(flood[0]!, "small");
  expect(refused.status).toBe(429); // the org's budget is spent, whatever the size
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(refused.headers.get("content-type")).toBe("application/problem+json");
  expect((await refused.json()).detail).toMatch(/organization's incoming webhooks accept 3 MiB per minute/);
  expect(await db.inboundMessage.count({ where: { webhookId: { in: flood.map((w) => w.id) } } })).toBe(3);
  expect((await post(calm[0]!, mib)).status).toBe(202);
});

it("caps one org's requests per minute over all its webhooks", async () => {
  const [a, b] = await webhooksOf("Chatty", 2);
  const statuses: number[] = [];
  for (let i = 0; i < 22; i++) statuses.push((await post(i % 2 ? a! : b!, "{}")).status);
  expect(statuses.filter((s) => s === 202)).toHaveLength(20);
  expect(statuses.slice(20)).toEqual([429, 429]);
});
