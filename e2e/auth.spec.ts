// Signing in and out through the real forms, starting signed out (not the stored session, so
// signing out here cannot affect other specs).
import { expect, test } from "./fixtures/test";
import { ADMIN } from "./fixtures/admin";
import { SIGNED_OUT, signIn } from "./fixtures/auth";
import { uniqueName } from "./fixtures/names";

test.use({ storageState: SIGNED_OUT });

const HOME = /\/settings\/organization\/general$/;

test("signs in, and signs out from the account menu", async ({ page }) => {
  await page.goto("/settings/organization/general");
  await expect(page).toHaveURL(/\/sign-in/); // signed out: the console is closed

  await signIn(page);
  await expect(page).toHaveURL(HOME);
  await expect(page.getByRole("heading", { name: "General", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.goto("/settings/organization/general");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a wrong password is refused without saying which part was wrong", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password + "x");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("repeated failures are rate limited", async ({ page }) => {
  // Its own account name, so the limit does not lock the admin out for other specs.
  const email = `${uniqueName("limit").replace(/\W+/g, "-")}@example.test`;
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(email);
  const password = page.getByLabel("Password", { exact: true });
  const submit = page.getByRole("button", { name: "Sign in" });

  for (let attempt = 1; attempt <= 10; attempt++) {
    await password.fill(`wrong-${attempt}`);
    // Each attempt must reach the server and the form must settle (it clears the password after
    // a failure), so that ten clicks are ten attempts and the next fill is not wiped.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
      submit.click(),
    ]);
    await expect(submit).toBeEnabled();
    if (attempt === 1) await expect(page.getByText("Invalid email or password")).toBeVisible();
  }
  await expect(page.getByText(/Too many attempts/)).toBeVisible();
});
