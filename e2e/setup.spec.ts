// Project "setup": the first visit to a fresh install creates the organization and its owner;
// the signed-in browser state is saved for every other spec.
import { expect, test } from "@playwright/test";
import { ADMIN, ADMIN_STORAGE_STATE } from "./fixtures/admin";
import { signIn } from "./fixtures/auth";

test("first run: / leads to setup, which creates the organization and signs the owner in", async ({ page }) => {
  await page.goto("/");
  const alreadySetUp = test.info().retry > 0 || !!process.env.E2E_REUSE_SERVER;
  if (alreadySetUp && /\/sign-in/.test(page.url())) {
    // A retry (CI) or a reused server finds the setup done by the earlier attempt: sign in instead.
    await signIn(page);
  } else {
    await expect(page).toHaveURL(/\/setup$/);
    // Bad input first: each field names its problem and nothing is created.
    await page.getByLabel("Email", { exact: true }).fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(page.getByText("Enter your name")).toBeVisible();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByText("Use at least 10 characters")).toBeVisible();
    await expect(page).toHaveURL(/\/setup$/);

    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Organization name", { exact: true }).fill(ADMIN.organization);
    await page.getByRole("button", { name: "Create organization" }).click();
  }
  await expect(page).toHaveURL(/\/settings\/organization\/general$/);
  await expect(page.getByRole("heading", { name: "General", exact: true })).toBeVisible();

  // Setup happens once: afterwards it is gone and / goes to the console.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);

  await page.context().storageState({ path: ADMIN_STORAGE_STATE });
});
