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

test("signing out ends the session: a copy of its cookie opens nothing afterwards", async ({ page, browser, baseURL }) => {
  await signIn(page);
  const copied = await page.context().cookies();
  expect(copied.some((c) => c.name.endsWith("authjs.session-token"))).toBe(true);
  expect((await page.request.get("/api/v1/members")).status()).toBe(200);

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // Someone who copied the cookie before sign-out: the console and the API turn them away.
  const thief = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto("/settings/organization/general");
  await expect(stolen).toHaveURL(/\/sign-in/);
  expect((await thief.request.get("/api/v1/members")).status()).toBe(401);
  await thief.close();
});

test("the Sessions page lists the account's sessions and ends another one", async ({ page, browser, baseURL }) => {
  await signIn(page);
  // A second browser, told apart by its user agent (the admin's other sessions, such as the one
  // every other spec uses, must be left alone).
  const agent = `Gatehouse-E2E-${uniqueName("agent").replace(/\W+/g, "-")}`;
  const other = await browser.newContext({ storageState: SIGNED_OUT, baseURL, userAgent: agent });
  const otherPage = await other.newPage();
  await signIn(otherPage);

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sessions" }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  const table = page.getByRole("table", { name: "Sessions" });
  await expect(table.getByText("This session")).toBeVisible();
  const row = table.getByRole("row").filter({ hasText: agent });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: /^End session/ }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "End session" }).click();
  await expect(page.getByText("Session ended")).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: agent })).toHaveCount(0);

  await otherPage.goto("/settings/organization/general");
  await expect(otherPage).toHaveURL(/\/sign-in/);
  // This session still works.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  await other.close();
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
