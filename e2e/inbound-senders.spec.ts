// Incoming webhooks by sender type, end to end: create one by choosing GitHub, take the URL (with
// the token) and the secret from the one-time dialog, send a delivery signed as GitHub signs it
// (computed here with node:crypto) and see it arrive with its delivery id; a forged one shows up
// under Rejected requests with the reason. A Stripe webhook created without Stripe's secret
// refuses (and lists) every request until the secret is pasted. Regenerating the token with a
// grace period keeps the old token working and says which token each message used.
import { createHmac, randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const INCOMING = "/settings/organization/webhooks?tab=incoming";

async function createByType(page: Page, type: string, name: string, secret?: string) {
  await page.goto(INCOMING);
  await page.getByRole("button", { name: "Create incoming webhook" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create incoming webhook" });
  await dialog.getByRole("radio", { name: type }).check();
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  if (secret) await dialog.getByLabel(/secret/i).fill(secret);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  const saved = page.getByRole("dialog", { name: "Save your integration token" });
  await expect(saved).toBeVisible();
  const senderUrl = await saved.getByRole("textbox", { name: `URL for ${type} (with the token)` }).inputValue();
  const token = await saved.getByRole("textbox", { name: "Integration token" }).inputValue();
  expect(senderUrl).toMatch(/\/in\/iwh_[0-9a-z]{26}\?token=gin_test_/);
  const generated = type === "GitHub" ? await saved.getByRole("textbox", { name: "Webhook secret" }).inputValue() : null;
  await saved.getByRole("button", { name: "Done" }).click();
  await expect(saved).toBeHidden();
  return { senderUrl, token, generated };
}

function github(url: string, secret: string, body: string, delivery: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      "user-agent": "GitHub-Hookshot/e2e",
    },
    body,
  });
}

test("create by type (GitHub): a signed delivery arrives once, a forged one is listed as rejected with its reason", async ({ page }) => {
  test.slow();
  const name = uniqueName("Repo events");
  const { senderUrl, generated } = await createByType(page, "GitHub", name);
  expect(generated).toMatch(/^[0-9a-f]{64}$/);

  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("GitHub");
  await row.getByRole("button", { name, exact: true }).click();

  const delivery = randomUUID();
  const body = JSON.stringify({ ref: "refs/heads/main", after: "9f2c" });
  expect((await github(senderUrl, generated!, body, delivery)).status).toBe(202);
  // GitHub's redelivery of the same delivery: answered 200, stored once.
  const again = await github(senderUrl, generated!, body, delivery);
  expect(again.status).toBe(200);
  expect((await again.json()).duplicate).toBe(true);

  const messages = page.getByRole("list", { name: `Messages of ${name}` });
  await expect(messages.getByRole("listitem")).toHaveCount(1, { timeout: 15_000 });
  await messages.getByRole("listitem").first().getByRole("button").first().click();
  await expect(messages.getByText(delivery, { exact: true })).toBeVisible();

  // A forgery (wrong secret): 401, nothing stored, and the admin sees why.
  expect((await github(senderUrl, "not-the-secret", body, randomUUID())).status).toBe(401);
  const rejected = page.getByRole("table", { name: `Rejected requests of ${name}` });
  await expect(rejected.getByRole("row").filter({ hasText: "Bad signature" })).toHaveCount(1, { timeout: 15_000 });
  const line = rejected.getByRole("row").filter({ hasText: "Bad signature" });
  await expect(line).toContainText("X-Hub-Signature-256 does not match the body");
  await expect(line).toContainText("GitHub-Hookshot/e2e");
  await expect(line).toContainText(`${Buffer.byteLength(body)} bytes`);
  await expect(line).not.toContainText("refs/heads/main");
  await expect(messages.getByRole("listitem")).toHaveCount(1);
});

test("Stripe without its secret refuses and lists every request; regenerate with a grace period keeps the old token working", async ({ page }) => {
  test.slow();
  const name = uniqueName("Payments");
  const { senderUrl } = await createByType(page, "Stripe", name);
  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name, exact: true }).click();

  const t = Math.floor(Date.now() / 1000);
  const secret = "whsec_e2e_stripe_secret_123456";
  const body = JSON.stringify({ id: `evt_${randomUUID()}`, object: "event", type: "charge.succeeded" });
  const sign = () => ({ "content-type": "application/json", "stripe-signature": `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}` });
  expect((await fetch(senderUrl, { method: "POST", headers: sign(), body })).status).toBe(401);
  const rejected = page.getByRole("table", { name: `Rejected requests of ${name}` });
  await expect(rejected.getByRole("row").filter({ hasText: "Secret not set" })).toHaveCount(1, { timeout: 15_000 });

  // Paste Stripe's secret with Edit: the same delivery now goes through.
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Edit", exact: true }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${name}` });
  await edit.getByLabel("Endpoint signing secret from Stripe (whsec_…)").fill(secret);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  expect((await fetch(senderUrl, { method: "POST", headers: sign(), body })).status).toBe(202);

  // Regenerate with a 24-hour grace period: the old URL (old token) still works, and says so.
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Regenerate token", exact: true }).click();
  const confirm = page.getByRole("alertdialog", { name: `Regenerate the token of ${name}?` });
  await confirm.getByRole("combobox", { name: "Old token keeps working" }).click();
  await page.getByRole("option", { name: "For 24 hours" }).click();
  await confirm.getByRole("button", { name: "Regenerate token" }).click();
  const saved = page.getByRole("dialog", { name: "Save your integration token" });
  await expect(saved).toContainText("keeps working until");
  await saved.getByRole("button", { name: "Done" }).click();

  const body2 = JSON.stringify({ id: `evt_${randomUUID()}`, object: "event", type: "charge.refunded" });
  const t2 = Math.floor(Date.now() / 1000);
  const old = await fetch(senderUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": `t=${t2},v1=${createHmac("sha256", secret).update(`${t2}.${body2}`).digest("hex")}` },
    body: body2,
  });
  expect(old.status).toBe(202);
  const grace = page.getByRole("region", { name: "Old token still accepted" });
  await expect(grace).toContainText("Old token last used", { timeout: 15_000 });
  const messages = page.getByRole("list", { name: `Messages of ${name}` });
  await expect(messages.getByRole("listitem").first()).toContainText("Old token", { timeout: 15_000 });

  // End it early (asks first): the old token is refused from then on.
  await grace.getByRole("button", { name: "End grace period now" }).click();
  const endDialog = page.getByRole("alertdialog", { name: "End the grace period now?" });
  await endDialog.getByRole("button", { name: "End grace period" }).click();
  await expect(endDialog).toBeHidden();
  await expect(page.getByText("Grace period ended: only the current token works")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Old token still accepted" })).toHaveCount(0);
  const refused = await fetch(senderUrl, { method: "POST", headers: sign(), body });
  expect(refused.status).toBe(401);
  await expect(rejected.getByRole("row").filter({ hasText: "Wrong token" })).toHaveCount(1, { timeout: 15_000 });

  // Deactivate asks first and is shown clearly.
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Deactivate", exact: true }).click();
  await page.getByRole("alertdialog", { name: `Deactivate ${name}?` }).getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Inactive");
  await expect(page.getByRole("status").filter({ hasText: `${name} is inactive.` })).toBeVisible();
});
