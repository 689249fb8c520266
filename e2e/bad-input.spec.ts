// Bad input is refused with a message that names the field: on the console's forms (what the
// user sees next to the field) and on the API (problem+json with field paths), plus the
// cross-site request guard on the session-authenticated API.
import type { APIResponse, Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";
import { ADMIN_STORAGE_STATE } from "./fixtures/admin";
import { SIGNED_OUT } from "./fixtures/auth";
import { uniqueName } from "./fixtures/names";

type Problem = { type?: string; title?: string; status?: number; detail?: string; errors?: { field: string; message: string }[] };

async function problem(res: APIResponse): Promise<Problem> {
  expect(res.headers()["content-type"]).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(res.status());
  // No stack traces or internals in what a client sees.
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|prisma/i);
  return body;
}

/** The field's accessible description carries its error, and the field is marked invalid. */
async function expectFieldError(page: Page, label: string, message: RegExp) {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(message);
}

test.describe("console forms", () => {
  test.use({ storageState: SIGNED_OUT });

  test("sign-in: missing email and password are named at their fields", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectFieldError(page, "Email", /valid email address/);
    await expectFieldError(page, "Password", /Enter your password/);

    await page.getByLabel("Email", { exact: true }).fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("whatever-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectFieldError(page, "Email", /valid email address/);
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("setup is closed once done: /setup sends visitors to sign in", async ({ page }) => {
    await page.goto("/setup");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("invite: empty name and a short password are named at their fields", async ({ page, browser, baseURL }) => {
    // The admin makes an invitation through the API with the stored session.
    const admin = await browser.newContext({ baseURL, storageState: ADMIN_STORAGE_STATE });
    const res = await admin.request.post("/api/v1/invitations", {
      headers: { origin: new URL(baseURL!).origin },
      data: { email: `${uniqueName("bad-input").replace(/\W+/g, "-")}@example.test`, role: "viewer" },
    });
    expect(res.status()).toBe(201);
    const { invite_url } = (await res.json()) as { invite_url: string };
    await admin.close();

    await page.goto(invite_url);
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expectFieldError(page, "Your name", /Enter your name/);
    await expectFieldError(page, "Choose a password", /at least 10 characters/);

    await page.getByLabel("Your name").fill("Short Password");
    await page.getByLabel("Choose a password").fill("short");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expectFieldError(page, "Choose a password", /at least 10 characters/);
    // Long enough but easy to guess (ten "a"s was accepted once).
    await page.getByLabel("Choose a password").fill("aaaaaaaaaa");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expectFieldError(page, "Choose a password", /easy to guess/);
    // Nothing was accepted: still on the invite page, the link still works.
    await expect(page).toHaveURL(/\/invite\//);
    await page.reload();
    await expect(page.getByRole("button", { name: "Create account and join" })).toBeVisible();
  });
});

test.describe("API", () => {
  test("PATCH /api/v1/organization with an empty name: 422 problem+json naming the field", async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const res = await page.request.patch("/api/v1/organization", { headers: { origin }, data: { name: "" } });
    expect(res.status()).toBe(422);
    const body = await problem(res);
    expect(body.errors?.[0]?.field).toBe("name");
    expect(body.errors?.[0]?.message).toBeTruthy();

    // A body that is not JSON at all is refused as well, never a 500.
    const garbled = await page.request.patch("/api/v1/organization", {
      headers: { origin, "content-type": "application/json" },
      data: "{not json",
    });
    expect(garbled.status()).toBeGreaterThanOrEqual(400);
    expect(garbled.status()).toBeLessThan(500);
    await problem(garbled);
  });

  test("a cross-site Origin is refused with 403 and changes nothing", async ({ page }) => {
    await page.goto("/settings/organization/general");
    const before = await page.getByLabel("Organization name").inputValue();
    const res = await page.request.patch("/api/v1/organization", {
      headers: { origin: "https://evil.example" },
      data: { name: uniqueName("Hijacked") },
    });
    expect(res.status()).toBe(403);
    await problem(res);
    await page.reload();
    await expect(page.getByLabel("Organization name")).toHaveValue(before);
  });

  test("other routes name the bad field too: invitation email, audit filter", async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const inv = await page.request.post("/api/v1/invitations", { headers: { origin }, data: { email: "nope", role: "viewer" } });
    expect(inv.status()).toBe(422);
    expect((await problem(inv)).errors?.map((e) => e.field)).toContain("email");

    const role = await page.request.post("/api/v1/invitations", {
      headers: { origin },
      data: { email: `${uniqueName("role").replace(/\W+/g, "-")}@example.test`, role: "emperor" },
    });
    expect(role.status()).toBe(422);
    expect((await problem(role)).errors?.map((e) => e.field)).toContain("role");

    const audit = await page.request.get("/api/v1/audit-events?action=Not%20An%20Action");
    expect(audit.status()).toBe(422);
    expect((await problem(audit)).errors?.map((e) => e.field)).toContain("action");

    const range = await page.request.get("/api/v1/audit-events?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z");
    expect(range.status()).toBe(422);
    expect((await problem(range)).errors?.map((e) => e.field)).toContain("to");
  });
});
