// Sign-in keeps the deep link, safely; an owner resets a member's password with a one-time link
// (issue 14, "Missing everyday actions"). At 1280 and 390 px, with axe on each new screen.
import type { Browser, Page } from "@playwright/test";
import { ADMIN } from "./fixtures/admin";
import { SIGNED_OUT } from "./fixtures/auth";
import { noSeriousViolations, VIEWPORTS } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

async function signedOut(browser: Browser, baseURL: string | undefined, viewport: { width: number; height: number }): Promise<Page> {
  const ctx = await browser.newContext({ storageState: SIGNED_OUT, baseURL, viewport });
  return ctx.newPage();
}

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name} px`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test(`a deep link survives sign-in; foreign targets do not (${vp.name})`, async ({ browser, baseURL }) => {
      const page = await signedOut(browser, baseURL, vp);
      const deep = "/settings/organization/webhooks?tab=event-types";
      await page.goto(deep);
      await expect(page).toHaveURL(/\/sign-in\?next=/);
      expect(new URL(page.url()).searchParams.get("next")).toBe(deep);
      await noSeriousViolations(page, `sign-in with next (${vp.name})`);
      await fillSignIn(page, ADMIN.email, ADMIN.password);
      await expect(page).toHaveURL(new RegExp(`${deep.replace(/[?]/g, "\\?")}$`));

      // The attacks: after signing in, each lands on this origin's console home.
      const origin = new URL(baseURL!).origin;
      for (const next of ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example"]) {
        const p = await signedOut(browser, baseURL, vp);
        await p.goto(`/sign-in?next=${encodeURIComponent(next)}`);
        await fillSignIn(p, ADMIN.email, ADMIN.password);
        await expect(p).toHaveURL(/\/settings\/organization\/general$/);
        expect(new URL(p.url()).origin).toBe(origin);
        await p.context().close();
      }
      await page.context().close();
    });

    test(`an owner resets a member's password with a one-time link (${vp.name})`, async ({ page, browser, baseURL }) => {
      const origin = new URL(baseURL!).origin;
      const email = `${uniqueName("reset").replace(/\W+/g, "-")}@example.test`;
      // A member joins through an invite link.
      const inv = await page.request.post("/api/v1/invitations", { headers: { origin }, data: { email, role: "developer" } });
      expect(inv.status(), await inv.text()).toBe(201);
      const member = await signedOut(browser, baseURL, vp);
      await member.goto(((await inv.json()) as { invite_url: string }).invite_url);
      await member.getByLabel("Your name").fill("Forgetful Member");
      await member.getByLabel("Choose a password").fill("Forgotten-Member-Pass-42");
      await member.getByRole("button", { name: "Create account and join" }).click();
      await expect(member).toHaveURL(/\/settings\/organization\/general$/);

      // The owner makes the link from the Members page.
      await page.goto("/settings/organization/members");
      await expect(page.getByRole("button", { name: `Reset password of ${ADMIN.email}` })).toHaveCount(0); // not for yourself
      await page.getByRole("button", { name: `Reset password of ${email}` }).click();
      const ask = page.getByRole("dialog", { name: `Reset the password of ${email}?` });
      await expect(ask).toContainText("one-time link");
      await noSeriousViolations(page, `reset confirmation (${vp.name})`);
      await ask.getByRole("button", { name: "Create reset link" }).click();
      const shown = page.getByRole("dialog", { name: "Password reset link" });
      const field = shown.getByRole("textbox", { name: "Reset link" });
      await expect(field).toHaveValue(/\/reset-password\/pwr_/);
      const link = await field.inputValue();
      expect(new URL(link).origin).toBe(origin);
      await noSeriousViolations(page, `reset link shown (${vp.name})`);
      await shown.getByRole("button", { name: "Done" }).click();
      await expect(shown).toBeHidden();

      // The member's old session ends when the link is used; the link signs them in with the new password.
      const other = await signedOut(browser, baseURL, vp);
      await other.goto(link);
      await expect(other.getByRole("heading", { name: "Set a new password" })).toBeVisible();
      await noSeriousViolations(other, `reset page (${vp.name})`);
      await other.getByLabel("New password", { exact: true }).fill("Remembered-Member-Pass-77");
      await other.getByRole("button", { name: "Set password and sign in" }).click();
      await expect(other).toHaveURL(/\/settings\/organization\/general$/);
      await member.reload();
      await expect(member).toHaveURL(/\/sign-in/);

      // Used once: the link is dead, the old password too, the new one works.
      await other.goto(link);
      await expect(other.getByRole("heading", { name: "This reset link cannot be used" })).toBeVisible();
      await member.goto("/sign-in");
      await fillSignIn(member, email, "Forgotten-Member-Pass-42");
      await expect(member.getByText("Invalid email or password.")).toBeVisible();
      await fillSignIn(member, email, "Remembered-Member-Pass-77");
      await expect(member).not.toHaveURL(/\/sign-in/);

      // Both steps are in the audit log, in words.
      await page.goto(`/settings/organization/audit-log`);
      await expect(page.getByText("Password reset link made").first()).toBeVisible();
      await expect(page.getByText("Password reset with a link").first()).toBeVisible();
      await member.context().close();
      await other.context().close();
    });
  });
}
