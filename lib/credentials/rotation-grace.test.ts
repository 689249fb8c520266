// Deliveries-under-stress finding 9: a second rotation inside the grace window cut the first old
// secret off at once (only one previous secret was kept), for client secrets and signing secrets
// alike. Every secret whose grace period has not ended keeps working, and the views list them.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import { createCredential, regenerateSecret } from "@/lib/credentials/manage-credentials";
import { forgetTokens } from "@/lib/credentials/token-cache";
import { credentialView } from "@/lib/credentials/views";
import { db } from "@/lib/db/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { rotateEndpointSecret } from "@/lib/webhooks/rotate-endpoint-secret";
import { endpointSigningSecrets } from "@/lib/webhooks/signing-secret";
import { endpointViewWithHealth } from "@/lib/webhooks/views";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token });
  orgId = (await db.organization.create({ data: { name: "Grace" } })).id;
});
afterAll(() => server?.close());

/** Past the 5 s guard against double clicks: the next regeneration is a deliberate one. */
const later = (model: "credential" | "endpoint", id: string) =>
  model === "credential"
    ? db.credential.update({ where: { id }, data: { secretRegeneratedAt: new Date(Date.now() - 60_000) } })
    : db.endpoint.update({ where: { id }, data: { secretRotatedAt: new Date(Date.now() - 60_000) } });

it("client secrets: two regenerations with grace periods leave all three secrets working until theirs end", async () => {
  const { credential, secret: a } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: [], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const exchange = async (secret: string) =>
    (
      await fetch(`${server.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
      })
    ).status;
  const { secret: b } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 3600, ctx });
  await later("credential", credential.id);
  const { secret: c } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 7200, ctx });
  expect([await exchange(a), await exchange(b), await exchange(c)]).toEqual([200, 200, 200]); // a was cut off before
  const view = credentialView(await db.credential.findUniqueOrThrow({ where: { id: credential.id } }));
  expect(view.previous_secret_expires_at).not.toBeNull();
  expect(view.older_secrets_expire_at).toHaveLength(1);

  // An old secret's own grace period still ends it.
  const row = await db.credential.findUniqueOrThrow({ where: { id: credential.id } });
  const older = row.olderSecrets as { value: string; until: string }[];
  await db.credential.update({ where: { id: credential.id }, data: { olderSecrets: older.map((s) => ({ ...s, until: new Date(Date.now() - 1000).toISOString() })) } });
  forgetTokens(); // the row changed behind the token endpoint's one-second memory
  expect(await exchange(a)).toBe(401);
  expect(await exchange(b)).toBe(200);

  // No grace period: every old secret stops at once.
  await later("credential", credential.id);
  const { secret: d } = await regenerateSecret({ orgId, environment: "test", id: credential.id, graceSeconds: 0, ctx });
  expect([await exchange(b), await exchange(c), await exchange(d)]).toEqual([401, 401, 200]);
});

it("signing secrets: two rotations with windows sign with all three until theirs end", async () => {
  const { endpoint, secret: a } = await createEndpoint({
    orgId, environment: "test", name: "ep", url: "https://example.com/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
  });
  const { secret: b } = await rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, graceSeconds: 3600, ctx });
  await later("endpoint", endpoint.id);
  const { secret: c } = await rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, graceSeconds: 3600, ctx });
  const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
  expect(endpointSigningSecrets(row)).toEqual([c, b, a]);
  expect((await endpointViewWithHealth(row)).older_secrets_expire_at).toHaveLength(1);
  expect(endpointSigningSecrets(row, new Date(Date.now() + 2 * 3600_000))).toEqual([c]);
  await later("endpoint", endpoint.id);
  const { secret: d } = await rotateEndpointSecret({ orgId, environment: "test", id: endpoint.id, graceSeconds: 0, ctx });
  expect(endpointSigningSecrets(await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } }))).toEqual([d]);
});
