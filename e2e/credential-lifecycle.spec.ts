// Issue 16: the credential page during a rotation (which secret each exchange used, from where;
// "End grace period now"), the issuance quota (edited on the page, 429 past it, shown used up), a
// wrong-secret lockout cleared by the admin, and the "cache your token" hint. Token exchanges
// are real requests to /oauth/token.
import type { APIRequestContext } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

async function createCredential(request: APIRequestContext, origin: string, name: string) {
  const res = await request.post("/api/v1/credentials", { headers: { origin }, data: { name, scopes: ["events:write"] } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; client_id: string; client_secret: string };
}

const exchange = (request: APIRequestContext, clientId: string, secret: string) =>
  request.post("/oauth/token", { form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret } });

test("the grace-period panel tells the old secret's use apart and ends the grace period", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const c = await createCredential(page.request, origin, uniqueName("Rotation"));
  const regen = await page.request.post(`/api/v1/credentials/${c.id}/regenerate-secret`, { headers: { origin }, data: { grace_period_seconds: 86400 } });
  expect(regen.status(), await regen.text()).toBe(200);
  const fresh = (await regen.json()).client_secret as string;
  for (let i = 0; i < 3; i++) expect((await exchange(page.request, c.client_id, c.client_secret)).status()).toBe(200);
  expect((await exchange(page.request, c.client_id, fresh)).status()).toBe(200);

  await page.goto(`/settings/organization/credentials/${c.id}`);
  await expect(page.getByText("Rotation in progress")).toBeVisible();
  const table = page.getByRole("table", { name: "Secrets and their use" });
  // Recording is not waited for by the exchange: reload until the counts are in (bounded).
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole("row").filter({ hasText: "Previous" })).toContainText("3", { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  await expect(table.getByRole("row").filter({ hasText: "Previous" })).toContainText(c.client_secret.slice(-4));
  await expect(table.getByRole("row").filter({ hasText: "Current" })).toContainText(fresh.slice(-4));
  await expect(page.getByRole("status", { name: "Old secret status" })).toContainText("still in use");
  await page.screenshot({ path: "test-results/screens/credential-rotation.png", fullPage: true });

  await page.getByRole("button", { name: "End grace period now" }).click();
  const confirm = page.getByRole("alertdialog", { name: /End the grace period/ });
  await expect(confirm).toContainText("used in the last hour");
  await confirm.getByRole("button", { name: "End grace period" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("Rotation in progress")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Audit entries" })).toContainText("Grace period ended");
  expect((await exchange(page.request, c.client_id, c.client_secret)).status()).toBe(401);
  expect((await exchange(page.request, c.client_id, fresh)).status()).toBe(200);
});

test("quota, lockout and the cache-your-token hint on the credential page", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const c = await createCredential(page.request, origin, uniqueName("Quota"));
  await page.goto(`/settings/organization/credentials/${c.id}`);
  await page.getByRole("button", { name: "Edit quota" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Issuance quota" });
  await dialog.getByLabel("Tokens per hour").fill("12");
  await dialog.getByRole("button", { name: "Save quota" }).click();
  await expect(dialog).toBeHidden();

  const statuses: number[] = [];
  for (let i = 0; i < 13; i++) statuses.push((await exchange(page.request, c.client_id, c.client_secret)).status());
  expect(statuses.filter((s) => s === 200)).toHaveLength(12);
  const refused = await exchange(page.request, c.client_id, c.client_secret);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await refused.json()).error).toBe("rate_limited");

  // Wrong secrets lock out a client ID that was never used from this address.
  const victim = await createCredential(page.request, origin, uniqueName("Lockout"));
  for (let i = 0; i < 12; i++) await exchange(page.request, victim.client_id, victim.client_secret.slice(0, -6) + "AAAAAA");

  await page.reload();
  await expect(page.getByText("Quota used up")).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("Cache your token.")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  await page.screenshot({ path: "test-results/screens/credential-quota.png", fullPage: true });

  await page.goto(`/settings/organization/credentials/${victim.id}`);
  await expect(page.getByRole("alert").filter({ hasText: "Locked out" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/credential-lockout.png", fullPage: true });
  await page.getByRole("button", { name: "Clear lockout" }).click();
  const confirm = page.getByRole("alertdialog", { name: /Clear the lockout/ });
  await confirm.getByRole("button", { name: "Clear lockout" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("alert").filter({ hasText: "Locked out" })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Audit entries" })).toContainText("Lockout cleared");
  expect((await exchange(page.request, victim.client_id, victim.client_secret)).status()).toBe(200);
});

test("an owner's credential policy blocks a create outside it, and lists the credentials that break it", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const legacy = await createCredential(page.request, origin, uniqueName("Never expires"));
  try {
    await page.goto("/settings/organization/general");
    const form = page.getByRole("form", { name: "Credential policy" });
    await form.getByLabel("Maximum credential lifetime (days)").fill("30");
    await form.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Credential policy saved")).toBeVisible();
    const broken = form.getByRole("region", { name: "Credentials that break the policy" });
    await expect(broken).toContainText("Never expires");
    await page.screenshot({ path: "test-results/screens/credential-policy.png", fullPage: true });

    // The policy blocks a credential without an expiry, and says so in the dialog.
    await page.goto("/settings/organization/credentials");
    await page.getByRole("button", { name: "Create Credential" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create credential" });
    await dialog.getByLabel("Name", { exact: true }).fill(uniqueName("Blocked"));
    await dialog.getByRole("checkbox", { name: "events:write", exact: true }).check();
    await dialog.getByRole("button", { name: "Create credential" }).click();
    await expect(dialog.getByText(/expire within 30 days \(organization policy\)/).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screens/credential-policy-blocked.png" });
  } finally {
    // Other specs run beside this one on the same organization.
    const reset = await page.request.patch("/api/v1/organization/credential-policy", { headers: { origin }, data: { max_credential_lifetime_days: null } });
    expect(reset.status()).toBe(200);
  }
  // The existing credential was listed, not changed.
  const still = await page.request.get(`/api/v1/credentials/${legacy.id}`);
  expect((await still.json()).status).toBe("active");
});

test("credentials that expire soon are listed above the credentials table", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const name = uniqueName("Expiring");
  const res = await page.request.post("/api/v1/credentials", {
    headers: { origin },
    data: { name, scopes: ["events:write"], expires_at: new Date(Date.now() + 3 * 86400_000).toISOString() },
  });
  expect(res.status(), await res.text()).toBe(201);
  await page.goto("/settings/organization/credentials");
  const reminders = page.getByRole("region", { name: "Credentials expiring soon" });
  await expect(reminders.getByRole("listitem").filter({ hasText: name })).toContainText("expires within 7 days");
  await page.screenshot({ path: "test-results/screens/credential-expiry-reminders.png" });
});
