// Accessibility (issue 14): axe on every console page (signed-out ones, detail pages and the
// narrow layout included) and on every dialog, popover and sheet that opens, in light and dark:
// no serious or critical violations. The shown-once secret dialogs are in one-time-secrets.spec.ts.
import { SIGNED_OUT, signIn } from "./fixtures/auth";
import { noSeriousViolations } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

let endpointId = "";
let credentialId = "";
let eventId = "";

test.beforeAll(async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ storageState: test.info().project.use.storageState as string });
  const origin = new URL(baseURL!).origin;
  const ep = await ctx.request.post(`${origin}/api/v1/endpoints`, {
    headers: { origin },
    data: { name: `A11y ${Date.now().toString(36)}`, url: "http://127.0.0.1:9/hook", event_types: ["run.failed", "webhook.test"] }, // not a catch-all: other specs' events stay out of its deliveries; its own test event comes in
  });
  expect(ep.status()).toBe(201);
  endpointId = ((await ep.json()) as { id: string }).id;
  await ctx.request.post(`${origin}/api/v1/endpoints/${endpointId}/test`, {
    headers: { origin, "idempotency-key": `a11y-${Date.now()}` },
    data: { type: "webhook.test", data: { hello: "world" } },
  });
  const cred = await ctx.request.post(`${origin}/api/v1/credentials`, {
    headers: { origin },
    data: { name: `A11y credential ${Date.now().toString(36)}`, scopes: ["events:read"] },
  });
  expect(cred.status()).toBe(201);
  credentialId = ((await cred.json()) as { id: string }).id;
  const ev = await ctx.request.post(`${origin}/api/v1/events`, { headers: { origin }, data: { type: "run.failed", data: { a11y: true } } });
  expect(ev.status()).toBe(202);
  eventId = ((await ev.json()) as { id: string }).id;
  await ctx.close();
});

const PAGES: [string, string][] = [
  ["general", "/settings/organization/general"],
  ["members", "/settings/organization/members"],
  ["credentials", "/settings/organization/credentials"],
  ["webhooks", "/settings/organization/webhooks"],
  ["incoming webhooks", "/settings/organization/webhooks?tab=incoming"],
  ["event types", "/settings/organization/webhooks?tab=event-types"],
  ["deliveries", "/settings/organization/webhooks/deliveries"],
  ["events", "/settings/organization/webhooks/events"],
  ["audit log", "/settings/organization/audit-log"],
  ["sessions", "/settings/account"],
];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme}`, () => {
    test.use({ colorScheme: scheme });

    test(`every console page has no serious or critical axe violations (${scheme})`, async ({ page }) => {
      test.slow();
      for (const [what, path] of [...PAGES, ["an endpoint page", `/settings/organization/webhooks/endpoints/${endpointId}`] as [string, string]]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await noSeriousViolations(page, `${what} (${scheme})`);
      }
      // Narrow: the logo link keeps its name, the menu button is labelled.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/settings/organization/credentials");
      await noSeriousViolations(page, `credentials at 390 px (${scheme})`);
    });

    test(`the main dialogs have no serious or critical axe violations (${scheme})`, async ({ page }) => {
      test.slow();
      const dialogs: [string, string, string][] = [
        ["/settings/organization/credentials", "Create Credential", "Create credential"],
        ["/settings/organization/webhooks", "Create endpoint", "Create endpoint"],
        ["/settings/organization/webhooks?tab=incoming", "Create incoming webhook", "Create incoming webhook"],
        ["/settings/organization/members", "Invite member", "Invite member"],
      ];
      for (const [path, button, name] of dialogs) {
        await page.goto(path);
        await page.getByRole("button", { name: button }).first().click();
        await expect(page.getByRole("dialog", { name })).toBeVisible();
        await noSeriousViolations(page, `${name} dialog (${scheme})`);
      }
      await page.goto(`/settings/organization/webhooks/endpoints/${endpointId}`);
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByRole("dialog", { name: "Send test event" })).toBeVisible();
      await noSeriousViolations(page, `Send test event dialog (${scheme})`);
      await page.keyboard.press("Escape");
      await page.getByRole("table", { name: "Deliveries", exact: true }).getByRole("row").nth(1).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await noSeriousViolations(page, `delivery dialog (${scheme})`);
    });
  });
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme}, the rest`, () => {
    test.use({ colorScheme: scheme });

    test(`signed-out pages, detail pages and the narrow layout have no serious or critical axe violations (${scheme})`, async ({ browser, page }) => {
      test.slow();
      const anon = await browser.newContext({ colorScheme: scheme, storageState: { cookies: [], origins: [] } });
      const signedOut = await anon.newPage();
      for (const [what, path] of [
        ["sign-in", "/sign-in"],
        ["an unusable invite link", "/invite/gin_not_a_real_token"],
        ["an unusable reset link", "/reset-password/not-a-real-token"],
      ] as const) {
        await signedOut.goto(path);
        await noSeriousViolations(signedOut, `${what} (${scheme})`);
      }
      await anon.close();
      for (const [what, path] of [
        ["a credential page", `/settings/organization/credentials/${credentialId}`],
        ["an event page", `/settings/organization/webhooks/events/${eventId}`],
      ] as const) {
        await page.goto(path);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await noSeriousViolations(page, `${what} (${scheme})`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [what, path] of [...PAGES, ["an endpoint page", `/settings/organization/webhooks/endpoints/${endpointId}`]] as [string, string][]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await noSeriousViolations(page, `${what} at 390 px (${scheme})`);
      }
      await page.goto("/settings/organization/general");
      await page.getByRole("button", { name: "Open navigation" }).click();
      await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
      await noSeriousViolations(page, `navigation sheet (${scheme})`);
    });

    test(`every other dialog and popover has no serious or critical axe violations (${scheme})`, async ({ page }) => {
      test.slow();
      const open = async (path: string, button: string | RegExp, dialog: { role?: "dialog" | "alertdialog"; name: string | RegExp }, what: string) => {
        await page.goto(path);
        await page.getByRole("button", { name: button }).first().click();
        await expect(page.getByRole(dialog.role ?? "dialog", { name: dialog.name })).toBeVisible();
        await noSeriousViolations(page, `${what} (${scheme})`);
      };
      const credential = `/settings/organization/credentials/${credentialId}`;
      await open(credential, "Edit credential", { name: /^Edit / }, "edit credential");
      await open(credential, "Regenerate secret", { role: "alertdialog", name: /^Regenerate the secret/ }, "regenerate secret confirmation");
      await open(credential, /^Revoke/, { role: "alertdialog", name: /^Revoke/ }, "revoke confirmation");
      const endpoint = `/settings/organization/webhooks/endpoints/${endpointId}`;
      await open(endpoint, "Recover failed messages", { name: "Recover failed messages" }, "recover failed messages");
      await open(endpoint, "Rotate secret", { role: "alertdialog", name: /^Rotate the signing secret/ }, "rotate secret confirmation");
      await open(endpoint, "Pause", { role: "alertdialog", name: /^Pause/ }, "pause confirmation");
      await open(endpoint, "Delete", { role: "alertdialog", name: /^Delete/ }, "delete confirmation");
      await open("/settings/organization/webhooks/deliveries", "Replay all failed", { name: "Replay all failed" }, "replay all failed");
      await open("/settings/organization/webhooks?tab=event-types", "Create event type", { name: "Create event type" }, "create event type");
      await open("/settings/organization/webhooks?tab=event-types", /schema of webhook\.test/, { name: "Schema of webhook.test" }, "event type schema");
      await page.goto("/settings/organization/audit-log");
      await page.getByRole("button", { name: /^Details of entry/ }).first().click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await noSeriousViolations(page, `audit entry (${scheme})`);
      await page.goto("/settings/organization/general");
      await page.getByRole("button", { name: /^Notifications/ }).click();
      await expect(page.getByRole("dialog", { name: "Notifications" })).toBeVisible();
      await noSeriousViolations(page, `notifications (${scheme})`);
    });
  });
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme}, members and sessions`, () => {
    test.use({ colorScheme: scheme });

    test(`the reset-password, member-removal and end-session confirmations have no serious or critical axe violations (${scheme})`, async ({
      page,
      browser,
      baseURL,
    }) => {
      test.slow();
      const origin = new URL(baseURL!).origin;
      // A member to reset and remove (joined through an invite link), and a second session of the
      // admin's own to end: each confirmation is offered only for someone (something) else.
      const email = `${uniqueName(`a11y-${scheme}`).replace(/\W+/g, "-").toLowerCase()}@example.test`;
      const inv = await page.request.post("/api/v1/invitations", { headers: { origin }, data: { email, role: "viewer" } });
      expect(inv.status(), await inv.text()).toBe(201);
      const memberCtx = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
      const secondCtx = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
      try {
        const member = await memberCtx.newPage();
        await member.goto(((await inv.json()) as { invite_url: string }).invite_url);
        await member.getByLabel("Your name").fill("A11y Member");
        await member.getByLabel("Choose a password").fill("A11y-Member-Pass-42");
        await member.getByRole("button", { name: "Create account and join" }).click();
        await expect(member).toHaveURL(/\/settings\/organization\/general$/);
        await signIn(await secondCtx.newPage());

        // Opens a confirmation with `trigger`, checks it, and closes it without confirming.
        const check = async (trigger: import("@playwright/test").Locator, dialog: import("@playwright/test").Locator, what: string) => {
          // A click before hydration does nothing: retry until the dialog shows (bounded).
          await expect(async () => {
            if (!(await dialog.isVisible())) await trigger.click({ timeout: 2_000 });
            await expect(dialog).toBeVisible({ timeout: 2_000 });
          }).toPass({ timeout: 45_000 });
          await noSeriousViolations(page, `${what} (${scheme})`);
          await page.keyboard.press("Escape");
          await expect(dialog).toBeHidden();
        };
        await page.goto("/settings/organization/members");
        await check(
          page.getByRole("button", { name: `Reset password of ${email}` }),
          page.getByRole("dialog", { name: `Reset the password of ${email}?` }),
          "reset password confirmation",
        );
        await check(
          page.getByRole("button", { name: `Remove ${email}` }),
          page.getByRole("alertdialog", { name: "Remove A11y Member?" }),
          "member removal confirmation",
        );
        await page.goto("/settings/account");
        await check(
          page.getByRole("button", { name: /^End session from/ }).first(),
          page.getByRole("alertdialog", { name: "End this session?" }),
          "end session confirmation",
        );
      } finally {
        // Leave no member and no extra session behind.
        const second = await secondCtx.request.get(`${origin}/api/v1/sessions`);
        const current = second.ok() ? ((await second.json()) as { data: { id: string; current: boolean }[] }).data.find((s) => s.current) : undefined;
        if (current) await secondCtx.request.delete(`${origin}/api/v1/sessions/${current.id}`, { headers: { origin } });
        const members = (await (await page.request.get("/api/v1/members")).json()) as { data: { id: string; email: string }[] };
        const joined = members.data.find((m) => m.email === email);
        if (joined) await page.request.delete(`/api/v1/members/${joined.id}`, { headers: { origin } });
        await memberCtx.close();
        await secondCtx.close();
      }
    });
  });
}

test("the dialogs loaded on first open show, before that, a trigger that says it opens a dialog", async ({ page }) => {
  // Until its code is loaded, a lazy dialog's place holds a stand-in button (components/ui/lazy-on-open.tsx):
  // it must say what the dialog's own trigger says (aria-haspopup, aria-expanded), and then the real one does.
  const endpointPage = `/settings/organization/webhooks/endpoints/${endpointId}`;
  const cases: [string, string, string | RegExp, ("dialog" | "alertdialog")?][] = [
    ["/settings/organization/credentials", "Create Credential", "Create credential"],
    ["/settings/organization/webhooks", "Create endpoint", "Create endpoint"],
    [endpointPage, "Send test event", "Send test event"],
    [endpointPage, "Recover failed messages", "Recover failed messages"],
    [endpointPage, "Pause", /^Pause /, "alertdialog"],
    [endpointPage, "Rotate secret", /^Rotate the signing secret/, "alertdialog"],
    [endpointPage, "Delete", /^Delete /, "alertdialog"],
    [endpointPage, "Replay all failed", "Replay all failed"],
    ["/settings/organization/webhooks/deliveries", "Replay all failed", "Replay all failed"],
  ];
  for (const [path, name, dialogName, role = "dialog"] of cases) {
    await page.goto(path);
    const trigger = page.getByRole("button", { name, exact: true }).first();
    await expect(trigger).toHaveAttribute("aria-haspopup", "dialog");
    await expect(trigger).toHaveAttribute("aria-expanded", "false");
    const look = await trigger.getAttribute("class"); // the stand-in looks as the dialog's own trigger will
    const dialog = page.getByRole(role, { name: dialogName });
    await expect(async () => {
      if (!(await dialog.isVisible())) await trigger.click({ timeout: 2_000 });
      await expect(dialog).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 45_000 });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    // Now the dialog's own trigger, closed again, with the focus back on it.
    await expect(trigger).toHaveAttribute("aria-haspopup", "dialog");
    await expect(trigger).toHaveAttribute("aria-expanded", "false");
    await expect(trigger).toBeFocused();
    expect(await trigger.getAttribute("class"), `${name}: the same button before and after its code loaded`).toBe(look);
  }
});

test("Test and Live are one radio group with one tab stop; arrows switch", async ({ page }) => {
  await page.goto("/settings/organization/general");
  const group = page.getByRole("radiogroup", { name: "Environment" });
  await expect(group.getByRole("radio")).toHaveCount(2);
  // Tab from the organization switch lands on the checked radio; the next Tab leaves the group.
  await page.getByRole("button", { name: /Switch organization/ }).focus();
  await page.keyboard.press("Tab");
  await expect(group.getByRole("radio", { name: "Test" })).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await group.evaluate((g) => g.contains(document.activeElement))).toBe(false);
  // Back into the group, an arrow key moves to Live and switches to it.
  await page.keyboard.press("Shift+Tab");
  await expect(group.getByRole("radio", { name: "Test" })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(group.getByRole("radio", { name: "Live" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByText("You are in test mode")).toHaveCount(0);
});
