// Causal provenance and private key JWT in the console: a delivery's detail says which credential
// posted its event, from which address, and its link opens that credential; a public JWK
// registered on a credential's page is listed there and authenticates a signed assertion; the
// page then counts that key's exchanges beside the secret's, and an admin turns the secret off
// (keys only): a secret exchange then gets 401, the key still works.
import type { APIRequestContext } from "@playwright/test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

async function newCredential(request: APIRequestContext, origin: string, name: string, scopes: string[]) {
  const res = await request.post("/api/v1/credentials", {
    headers: { origin },
    data: { name, scopes, expires_at: null, token_lifetime_seconds: 3600 },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; client_id: string; client_secret: string };
}

async function tokenFor(baseURL: string, clientId: string, secret: string) {
  const res = await fetch(new URL("/oauth/token", baseURL), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

test("a delivery's detail names the credential that posted its event, and links to it", async ({ page, baseURL, receiver }) => {
  const origin = new URL(baseURL!).origin;
  const type = `e2e_provenance.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await page.request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Provenance e2e" } });
  expect(et.status(), await et.text()).toBe(201);
  const name = uniqueName("Provenance poster");
  const cred = await newCredential(page.request, origin, name, ["endpoints:write", "events:write"]);
  // The client calls 127.0.0.1 itself, not "localhost" (which may resolve to ::1 first): the
  // address the provenance must name is then the one this test used, whatever the hosts file says.
  const direct = `http://127.0.0.1:${new URL(baseURL!).port}`;
  const token = await tokenFor(direct, cred.client_id, cred.client_secret);
  const api = (path: string, body: unknown) =>
    fetch(new URL(path, direct), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const ep = await api("/api/v1/endpoints", { name: uniqueName("Provenance e2e"), url: `${receiver.url}/hook`, event_types: [type] });
  expect(ep.status).toBe(201);
  const endpointId = ((await ep.json()) as { id: string }).id;
  const posted = await api("/api/v1/events", { type, data: { order: 7 } });
  expect(posted.status).toBe(202);
  const eventId = ((await posted.json()) as { id: string }).id;

  // This endpoint's deliveries only: the organization is shared with the other worker's tests, so
  // the event may also have gone to an endpoint of theirs that takes every event (a second row
  // with this type, seen in a loaded full run), and their deliveries can push this one off the All tab's page.
  await page.goto(`/settings/organization/webhooks/deliveries?status=all&endpoint=${encodeURIComponent(endpointId)}`);
  const row = page.getByRole("row").filter({ hasText: type });
  await expect(row).toHaveCount(1);
  await row.click();
  const dialog = page.getByRole("dialog", { name: "Delivery details" });
  const provenance = dialog.getByTestId("delivery-provenance");
  await expect(provenance).toContainText(`credential ${name} posting event ${eventId}`);
  await expect(provenance).toContainText("from 127.0.0.1");
  await expect(provenance).not.toContainText("changed since");
  await provenance.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/organization/credentials/${cred.id}$`));
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  // The credential's page lists what it caused: the event, linked.
  const caused = page.getByRole("list", { name: "Recent events posted by this credential" });
  await expect(caused.getByRole("link", { name: eventId })).toBeVisible();
  // And the event's own page names its cause.
  await caused.getByRole("link", { name: eventId }).click();
  await expect(page.getByRole("heading", { name: `Event ${type}` })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "from 127.0.0.1" })).toContainText(`credential ${name}`);
});

test("registers a public JWK on a credential; the client's signed assertion gets a token, is counted per key, and keys only turns the secret off", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const name = uniqueName("JWT client");
  const cred = await newCredential(page.request, origin, name, ["events:read"]);
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "e2e-key-1", alg: "ES256" };

  await page.goto(`/settings/organization/credentials/${cred.id}`);
  await expect(page.getByText("No public key registered")).toBeVisible();
  await page.getByRole("button", { name: "Register public key" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Register a public key" });
  await dialog.getByLabel("Public key (JWK or JWKS)").fill(JSON.stringify(jwk));
  await dialog.getByRole("button", { name: "Register key" }).click();
  await expect(dialog).toBeHidden();
  const keys = page.getByLabel("Registered public keys");
  await expect(keys).toContainText("e2e-key-1");
  await expect(keys).toContainText("EC P-256, ES256");

  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: "ES256", kid: "e2e-key-1" })
    .setIssuer(cred.client_id)
    .setSubject(cred.client_id)
    .setAudience(`${origin}/oauth/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(privateKey);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  });
  const exchange = () => fetch(new URL("/oauth/token", baseURL), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  expect((await exchange()).status).toBe(200);
  expect((await exchange()).status).toBe(401); // the same assertion again: a replay

  // The secret-use panel counts the key's exchange on its own row, named by its kid.
  await page.reload();
  const uses = page.getByRole("table", { name: "Secrets and their use" });
  const keyRow = uses.getByRole("row").filter({ hasText: "e2e-key-1" });
  await expect(keyRow).toContainText("Key");
  await expect(keyRow.getByRole("cell").nth(4)).toHaveText("1"); // last hour
  await expect(uses.getByRole("row").filter({ hasText: "Current" }).getByRole("cell").nth(4)).toHaveText("0");

  // Keys only: the secret stops authenticating; the key keeps working.
  await page.getByRole("button", { name: "Turn off secrets (keys only)" }).click();
  const confirm = page.getByRole("alertdialog", { name: `Turn off ${name}'s secret?` });
  await confirm.getByRole("button", { name: "Turn secrets off" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("status", { name: "Secret authentication" })).toContainText("Keys only");
  const bySecret = await fetch(new URL("/oauth/token", baseURL), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: cred.client_id, client_secret: cred.client_secret }),
  });
  expect(bySecret.status).toBe(401);
  expect(((await bySecret.json()) as { error: string }).error).toBe("invalid_client");
  const fresh = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: "ES256", kid: "e2e-key-1" })
    .setIssuer(cred.client_id)
    .setSubject(cred.client_id)
    .setAudience(`${origin}/oauth/token`)
    .setIssuedAt()
    .setExpirationTime("1m")
    .sign(privateKey);
  form.set("client_assertion", fresh);
  expect((await exchange()).status).toBe(200);
  // The change is in the credential's audit entries, and removing the only key is not offered.
  await page.reload();
  await expect(page.getByText("Secrets turned off (keys only)").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Remove public key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Turn secrets back on" })).toBeVisible();
});
