// Deliveries-under-stress finding 8: five concurrent regenerate-secret calls all answered 200,
// and most of the secrets they returned never worked. Now one wins and the others get 409, so
// every secret handed out works. The same for endpoint signing secrets and inbound tokens. Over
// real HTTP: the credential's secrets are tried at /oauth/token afterwards.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import { AppError } from "@/lib/api/errors";
import { createCredential, regenerateSecret } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { regenerateInboundToken } from "@/lib/inbound/regenerate-inbound-token";
import { sha256 } from "@/lib/credentials/hash";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { rotateEndpointSecret } from "@/lib/webhooks/rotate-endpoint-secret";
import { decrypt } from "@/lib/crypto/encryption";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token });
  orgId = (await db.organization.create({ data: { name: "Race" } })).id;
});
afterAll(() => server?.close());

/** Runs `n` calls at once; returns what succeeded and how many were refused as conflicts. */
async function race<T>(n: number, call: () => Promise<T>) {
  const settled = await Promise.allSettled(Array.from({ length: n }, call));
  const ok = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const refused = settled.filter((s) => s.status === "rejected");
  for (const r of refused) {
    const err = (r as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
  }
  return { ok, refused: refused.length };
}

it("credential: five regenerations at once, one wins, four get 409, and the secret it returned works", async () => {
  const { credential, secret: first } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const { ok, refused } = await race(5, () => regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 0, ctx }));
  expect(ok).toHaveLength(1);
  expect(refused).toBe(4);
  const exchange = (secret: string) =>
    fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
    });
  expect((await exchange(ok[0]!.secret)).status).toBe(200);
  expect((await exchange(first)).status).toBe(401); // no grace period asked for
  expect(await db.auditEvent.count({ where: { action: "credential.secret_regenerated", targetId: credential.id } })).toBe(1);
});

it("endpoint signing secret: one rotation of five wins; the secret it returned is the one that signs", async () => {
  const { endpoint } = await createEndpoint({
    orgId, environment: "test", name: "ep", url: "https://example.com/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
  });
  const { ok, refused } = await race(5, () => rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, ctx }));
  expect(ok).toHaveLength(1);
  expect(refused).toBe(4);
  const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
  expect(decrypt(row.secretEncrypted)).toBe(ok[0]!.secret);
});

it("inbound token: one regeneration of five wins; the token it returned is the one accepted", async () => {
  const { webhook } = await createInboundWebhook({ orgId, environment: "test", name: "in", handler: "store", ctx } as never);
  const { ok, refused } = await race(5, () => regenerateInboundToken({ orgId, environment: "test", id: webhook.id, ctx }));
  expect(ok).toHaveLength(1);
  expect(refused).toBe(4);
  const row = await db.inboundWebhook.findUniqueOrThrow({ where: { id: webhook.id } });
  expect(row.tokenHash).toBe(sha256(ok[0]!.token));
});
