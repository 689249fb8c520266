// Members, end to end: the owner invites, the invitee joins through the copied link in a browser
// of their own, the owner changes their role and removes them, and each step is what the member
// sees on their next request. Then the refusals: a used link, a forged link, the last owner.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";
import { ADMIN } from "./fixtures/admin";
import { SIGNED_OUT } from "./fixtures/auth";
import { uniqueName } from "./fixtures/names";

const MEMBERS = "/settings/organization/members";

function uniqueEmail(prefix: string): string {
  return `${uniqueName(prefix).replace(/\W+/g, "-")}@example.test`;
}

/** A browser that has never signed in: the invitee's own machine. */
async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
  return context.newPage();
}

/** Invites `email` from the Members page and returns the link as the clipboard holds it. */
async function invite(page: Page, email: string, role: "Developer" | "Viewer" | "Admin"): Promise<string> {
  await page.goto(MEMBERS);
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("combobox", { name: "Role" }).click();
  await page.getByRole("option", { name: role, exact: true }).click();
  await dialog.getByRole("button", { name: "Create invite link" }).click();

  const created = page.getByRole("dialog", { name: "Invitation created" });
  const field = created.getByRole("textbox", { name: "Invite link" });
  await expect(field).toHaveValue(/\/invite\/inv_/);
  const shown = await field.inputValue();
  await created.getByRole("button", { name: "Copy invite link" }).click();
  await expect(created.getByRole("button", { name: "Copy invite link" })).toHaveAttribute("data-copied", "true");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shown);
  await created.getByRole("button", { name: "Done" }).click();
  return copied;
}

async function expectRole(page: Page, role: string) {
  await page.getByRole("button", { name: "Account menu" }).click();
  await expect(page.getByRole("menu")).toContainText(role);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
}

test("invite, join, change role, remove: the member sees each change on their next request", async ({ page, browser, baseURL }) => {
  const email = uniqueEmail("member");
  const name = uniqueName("Member");
  const link = await invite(page, email, "Developer");
  // The link is built from the origin the admin uses, so it opens on this server.
  expect(new URL(link).origin).toBe(new URL(baseURL!).origin);

  // The pending invitation is listed until it is used.
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(email);

  const member = await freshPage(browser, baseURL);
  await member.goto(link);
  // "Join <organization>" (another spec may rename the organization meanwhile).
  await expect(member.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(member.getByText(email)).toBeVisible();
  await member.getByLabel("Your name").fill(name);
  await member.getByLabel("Choose a password").fill("Invited-Member-Pass-42");
  await member.getByRole("button", { name: "Create account and join" }).click();
  await expect(member).toHaveURL(/\/settings\/organization\/general$/);
  await expect(member.getByRole("heading", { name: "General", exact: true })).toBeVisible();
  await expectRole(member, "developer");
  // A developer may not rename the organization.
  await expect(member.getByLabel("Organization name")).toBeDisabled();

  // The admin sees the new member, no longer as a pending invitation.
  await page.goto(MEMBERS);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText(name);
  await expect(page.getByRole("table", { name: "Pending invitations" })).not.toContainText(email);

  // Role change: developer → viewer.
  const roleSelect = page.getByRole("combobox", { name: `Role for ${email}` });
  await expect(roleSelect).toHaveText("Developer");
  await roleSelect.click();
  await page.getByRole("option", { name: "Viewer", exact: true }).click();
  await expect(page.getByText("Role updated")).toBeVisible();
  await expect(roleSelect).toHaveText("Viewer");

  await member.reload();
  await expectRole(member, "viewer");

  // Removal: asks first, then the member's session stops working on its next request.
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(email);
  await confirm.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText(`Removed ${email}`)).toBeVisible();
  await expect(page.getByRole("table", { name: "Members" })).not.toContainText(email);

  await member.reload();
  await expect(member).toHaveURL(/\/(no-organization|sign-in)/);
  if (member.url().includes("/no-organization")) {
    await expect(member.getByRole("heading", { name: "No organization" })).toBeVisible();
  }
  // The API refuses the removed member's session too.
  const api = await member.request.get("/api/v1/members");
  expect([401, 403]).toContain(api.status());

  // The used link cannot be used again.
  await member.goto(link);
  await expect(member.getByRole("heading", { name: "This invite link cannot be used" })).toBeVisible();
  await expect(member.getByText(/already been used/)).toBeVisible();
  await expect(member.getByRole("button", { name: "Create account and join" })).toHaveCount(0);

  await member.context().close();
});

test("someone with an account joins by signing in; the invite page does not say the account exists", async ({ page, browser, baseURL }) => {
  const email = uniqueEmail("returning");
  const password = "Returning-Member-Pass-42";
  // They join once with a new account, and are removed again.
  const first = await invite(page, email, "Viewer");
  const member = await freshPage(browser, baseURL);
  await member.goto(first);
  await member.getByLabel("Your name").fill("Returning member");
  await member.getByLabel("Choose a password").fill(password);
  await member.getByRole("button", { name: "Create account and join" }).click();
  await expect(member).toHaveURL(/\/settings\/organization\/general$/);
  await member.context().close();
  await page.goto(MEMBERS);
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText(`Removed ${email}`)).toBeVisible();

  // Invited again: the page offers the same two ways as to someone new, and asks for no password of the account.
  const second = await invite(page, email, "Viewer");
  const returning = await freshPage(browser, baseURL);
  await returning.goto(second);
  await expect(returning.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(returning.getByLabel("Choose a password")).toBeVisible();
  await expect(returning.getByLabel("Your password")).toHaveCount(0);
  // The new-account path refuses an email with an account, whatever the password.
  await returning.getByLabel("Your name").fill("Someone");
  await returning.getByLabel("Choose a password").fill("Another-Long-Pass-77");
  await returning.getByRole("button", { name: "Create account and join" }).click();
  await expect(returning.getByText(/cannot be used to create a new account/)).toBeVisible();

  // Sign in (the throttled sign-in), come back to the link, join.
  await returning.getByRole("link", { name: "Sign in to accept" }).click();
  await expect(returning).toHaveURL(/\/sign-in\?next=/);
  await returning.getByLabel("Email", { exact: true }).fill(email);
  await returning.getByLabel("Password", { exact: true }).fill(password);
  await returning.getByRole("button", { name: "Sign in" }).click();
  await expect(returning).toHaveURL(/\/invite\/inv_/);
  await returning.getByRole("button", { name: "Join organization" }).click();
  await expect(returning).toHaveURL(/\/settings\/organization\/general$/);
  await expectRole(returning, "viewer");
  await returning.context().close();
});

test("a forged invite link is refused with a clear page", async ({ browser, baseURL }) => {
  const visitor = await freshPage(browser, baseURL);
  for (const token of [`inv_${randomBytes(24).toString("base64url")}`, "not-a-token"]) {
    await visitor.goto(`/invite/${token}`);
    await expect(visitor.getByRole("heading", { name: "This invite link cannot be used" })).toBeVisible();
    await expect(visitor.getByText(/not valid/)).toBeVisible();
    await expect(visitor.getByRole("button", { name: "Join organization" })).toHaveCount(0);
  }
  await visitor.context().close();
});

test("the last owner is offered neither demotion nor Remove, and the server refuses both", async ({ page, baseURL }) => {
  await page.goto(MEMBERS);
  const own = page.getByRole("row").filter({ hasText: ADMIN.email });
  await expect(own).toContainText("Owner");
  // Demoting or removing the last owner would be refused, so no control leads to that error.
  await expect(page.getByRole("combobox", { name: `Role for ${ADMIN.email}` })).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Remove ${ADMIN.email}` })).toHaveCount(0);
  // And the server refuses it when asked directly.
  const origin = new URL(baseURL!).origin;
  const list = (await (await page.request.get("/api/v1/members")).json()) as { data: { id: string; email: string }[] };
  const me = list.data.find((m) => m.email === ADMIN.email)!;
  const demote = await page.request.patch(`/api/v1/members/${me.id}`, { headers: { origin }, data: { role: "admin" } });
  expect(demote.status()).toBe(409);
  expect(await demote.text()).toMatch(/last owner/);
  await page.reload();
  await page.getByRole("button", { name: "Account menu" }).click();
  await expect(page.getByRole("menu")).toContainText("owner");
});
