// An Idempotency-Key retry whose JSON has its keys in another order (a client that rebuilt the
// object, another JSON library) is the same request: the stored response, not a 422.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let tok: string;

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  const orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:read", "endpoints:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  tok = (await r.json()).access_token;
});
afterAll(async () => {
  await server?.close();
});

const post = (key: string, raw: string) =>
  fetch(`${server.origin}/api/v1/endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json", "idempotency-key": key },
    body: raw,
  });

describe("Idempotency-Key fingerprint", () => {
  it("the same JSON with keys reordered and spaced otherwise replays the first response", async () => {
    const first = await post("k-reorder", JSON.stringify({ name: "n", url: "https://example.com/a", headers_json: { "X-A": "1", "X-B": "2" }, timeout_seconds: 5 }));
    expect(first.status).toBe(201);
    const created = await first.json();
    const again = await post("k-reorder", '{\n  "timeout_seconds": 5,\n  "headers_json": { "X-B": "2", "X-A": "1" },\n  "url": "https://example.com/a",\n  "name": "n"\n}');
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe(created.id);
    expect(await db.endpoint.count({ where: { url: "https://example.com/a" } })).toBe(1);
  });

  it("another value under the same key is still refused", async () => {
    expect((await post("k-other", JSON.stringify({ name: "n", url: "https://example.com/b" }))).status).toBe(201);
    const res = await post("k-other", JSON.stringify({ url: "https://example.com/c", name: "n" }));
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe("idempotency_key_reused");
  });
});
