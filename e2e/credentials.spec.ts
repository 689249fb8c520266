// Settings > Organization > Credentials, end to end: the one-time secret dialog's curl command
// is copied and run as-is, its token is used on /api/v1, and regenerating and revoking take
// effect on the very next request.
import type { Page } from "@playwright/test";
import { runCurl } from "./fixtures/curl";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const LIST = "/settings/organization/credentials";

type TokenAnswer = { access_token: string; token_type: string; expires_in: number; scope: string };

/** Opens Create Credential, fills it in and submits; leaves the one-time secret dialog open. */
async function createCredential(page: Page, name: string, scopes: string[], lifetime?: string) {
  await page.goto(LIST);
  await expect(page.getByRole("heading", { name: "Credentials", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Create Credential" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create credential" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  for (const s of scopes) await dialog.getByRole("checkbox", { name: s, exact: true }).check();
  if (lifetime) {
    await dialog.getByRole("combobox", { name: "Token lifetime" }).click();
    await page.getByRole("option", { name: lifetime, exact: true }).click();
  }
  await dialog.getByRole("button", { name: "Create credential" }).click();
  return readSecretDialog(page);
}

/** Reads the one-time dialog: ids from the inputs, the curl command from the clipboard. */
async function readSecretDialog(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Save your client secret" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("shown only this once")).toBeVisible();
  const clientId = await dialog.getByRole("textbox", { name: "Client ID", exact: true }).inputValue();
  const clientSecret = await dialog.getByRole("textbox", { name: "Client secret", exact: true }).inputValue();
  expect(clientId).toMatch(/^gci_test_[0-9A-Za-z]{36}$/);
  expect(clientSecret).toMatch(/^gsk_test_[0-9A-Za-z]{36}$/);

  await dialog.getByRole("button", { name: "Copy curl command" }).click();
  await expect(page.getByText("Copied").first()).toBeVisible();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  // What was copied is exactly what the dialog shows, and it holds this credential's pair.
  await expect(dialog.locator("[data-slot=code-block] code")).toHaveText(curl);
  expect(curl).toContain(`client_id=${clientId}`);
  expect(curl).toContain(`client_secret=${clientSecret}`);
  return { dialog, clientId, clientSecret, curl };
}

async function exchange(curl: string) {
  const res = await runCurl(curl);
  return { status: res.status, body: res.json<TokenAnswer & { error?: string }>() };
}

async function getMembers(baseURL: string | undefined, token: string) {
  return fetch(new URL("/api/v1/members", baseURL), { headers: { authorization: `Bearer ${token}` } });
}

test("create, run the copied curl, use the token; regenerate stops the old secret; revoke stops the token", async ({
  page,
  baseURL,
}) => {
  test.slow(); // one long flow: three dialogs, five token exchanges, a reload
  const name = uniqueName("Billing service");
  const first = await createCredential(page, name, ["members:read"], "15 minutes");
  expect(first.curl).toContain(`${new URL(baseURL!).origin}/oauth/token`);

  // The copied command, run as a user would paste it, returns a token.
  const t1 = await exchange(first.curl);
  expect(t1.status).toBe(200);
  expect(t1.body).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "members:read" });
  expect(t1.body.access_token).toMatch(/^gat_test_/);

  const members = await getMembers(baseURL, t1.body.access_token);
  expect(members.status).toBe(200);
  const list = (await members.json()) as { data: { email: string }[] };
  expect(list.data.length).toBeGreaterThan(0);

  // Closing forgets the secret; the row is in the list.
  await first.dialog.getByRole("button", { name: "Done" }).click();
  await expect(first.dialog).toBeHidden();
  await expect(page.getByText(first.clientSecret)).toHaveCount(0);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("members:read");
  await expect(row).toContainText(first.clientId);

  // The row opens the detail page.
  await row.getByRole("cell").first().click();
  await expect(page).toHaveURL(/\/settings\/organization\/credentials\/[^/]+$/);
  await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  // The secret's last four characters: on the details and in the secret-usage card.
  await expect(page.getByText(`…${first.clientSecret.slice(-4)}`).first()).toBeVisible();
  await expect(page.getByText("15 minutes")).toBeVisible();

  // Regenerate with no grace period: the old secret fails at once, the new one works.
  await page.getByRole("button", { name: "Regenerate secret" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm.getByRole("combobox", { name: "Old secret keeps working" })).toHaveText(/Stop immediately/);
  await confirm.getByRole("button", { name: "Regenerate secret" }).click();
  const second = await readSecretDialog(page);
  expect(second.clientId).toBe(first.clientId);
  expect(second.clientSecret).not.toBe(first.clientSecret);

  const old = await exchange(first.curl);
  expect(old.status).toBe(401);
  expect(old.body.error).toBe("invalid_client");
  const t2 = await exchange(second.curl);
  expect(t2.status).toBe(200);
  // Tokens issued before the rotation keep working until they expire.
  expect((await getMembers(baseURL, t1.body.access_token)).status).toBe(200);

  await page.keyboard.press("Escape");
  await expect(second.dialog).toBeHidden();
  await expect(page.getByText(`…${second.clientSecret.slice(-4)}`).first()).toBeVisible();

  // Revoke: type the name to confirm; every token fails on its very next use.
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  const revoke = page.getByRole("alertdialog");
  await expect(revoke).toContainText("immediate and permanent");
  const revokeButton = revoke.getByRole("button", { name: "Revoke credential" });
  await expect(revokeButton).toBeDisabled();
  await revoke.getByRole("textbox").fill(name);
  await revokeButton.click();
  await expect(revoke).toBeHidden();
  await expect(page.getByText("Revoked", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Regenerate secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Revoke", exact: true })).toHaveCount(0);

  for (const token of [t1.body.access_token, t2.body.access_token]) {
    expect((await getMembers(baseURL, token)).status).toBe(401);
  }
  const afterRevoke = await exchange(second.curl);
  expect(afterRevoke.status).toBe(401);
  expect(afterRevoke.body.error).toBe("invalid_client");

  // The credential's audit entries, newest first, with who did it.
  await page.reload();
  const audit = page.getByRole("table", { name: "Audit entries" });
  const auditRows = audit.getByRole("row");
  await expect(auditRows).toHaveCount(4); // header + 3 entries
  await expect(auditRows.nth(1)).toContainText("credential.revoked");
  await expect(auditRows.nth(2)).toContainText("credential.secret_regenerated");
  await expect(auditRows.nth(3)).toContainText("credential.created");
  await expect(auditRows.nth(1)).toContainText("admin@example.test");
  // Usage: two tokens issued, none active after the revocation, and the refused exchange counted.
  const usage = (label: string) => page.getByText(label, { exact: true }).locator("xpath=..").locator("dd");
  await expect(usage("Tokens issued")).toHaveText("2");
  await expect(usage("Active tokens")).toHaveText("0");
  await expect(usage("Failed token exchanges")).toHaveText(/^[1-9]/);

  // Back on the list the row says Revoked.
  await page.getByRole("link", { name: "Back to credentials" }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Revoked");
});

test("a custom scope added in the dialog is checked, granted, and shown with its description", async ({ page }) => {
  const scope = `e2e${Date.now().toString(36)}:read`;
  const name = uniqueName("Reports job");
  await page.goto(LIST);
  await page.getByRole("button", { name: "Create Credential" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create credential" });

  // Nothing picked: the form says what is missing and sends nothing.
  await dialog.getByRole("button", { name: "Create credential" }).click();
  await expect(dialog.getByText("Enter a name")).toBeVisible();
  await expect(dialog.getByText("Pick at least one scope")).toBeVisible();

  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("button", { name: "Add custom scope" }).click();
  await dialog.getByLabel("Scope name").fill(scope);
  await dialog.getByLabel("Scope description").fill("Read the nightly reports");
  await dialog.getByRole("button", { name: "Add scope" }).click();
  await expect(dialog.getByRole("checkbox", { name: scope })).toBeChecked();

  await dialog.getByRole("button", { name: "Create credential" }).click();
  const { curl } = await readSecretDialog(page);
  const token = await exchange(curl);
  expect(token.status).toBe(200);
  expect(token.body.scope).toBe(scope);
  await page.getByRole("button", { name: "Done" }).click();

  // Keyboard: focus the row and press Enter.
  const row = page.getByRole("row", { name: new RegExp(name) });
  await row.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  await expect(page.getByText("Read the nightly reports")).toBeVisible();
});

test("regenerating with a grace period keeps the old secret working until it ends", async ({ page }) => {
  const name = uniqueName("Grace job");
  const first = await createCredential(page, name, ["events:read"]);
  await first.dialog.getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Regenerate secret" }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("combobox", { name: "Old secret keeps working" }).click();
  await page.getByRole("option", { name: "For 1 hour" }).click();
  await confirm.getByRole("button", { name: "Regenerate secret" }).click();
  const second = await readSecretDialog(page);

  expect((await exchange(first.curl)).status).toBe(200);
  expect((await exchange(second.curl)).status).toBe(200);
  await second.dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText("Old secret works until")).toBeVisible();
});

test("an unknown credential id is a 404", async ({ page }) => {
  const res = await page.goto(`${LIST}/cred_does_not_exist`);
  expect(res?.status()).toBe(404);
});
